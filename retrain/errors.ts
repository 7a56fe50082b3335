/** Input retraining cannot use (a data row, a flag value, a model version): the message names the file:line or flag, the value and what was expected. */
export class RetrainInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RetrainInputError';
  }
}
