/** The OIP response both reference servers answer with: keelson's answer for penguins v2 and one row, byte for byte in size. */
export const FIXED_RESPONSE_TEXT = JSON.stringify({
  model_name: 'penguins',
  model_version: '2',
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [1, 3], data: [0.9999909400939941, 0.00000897227982932236, 1.5206786940780148e-7] },
    { name: 'label', datatype: 'INT64', shape: [1], data: [0] },
  ],
});
