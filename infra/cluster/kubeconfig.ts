/** Kubeconfig documents for clusters whose provider does not hand one out (GKE). Pure. */

/** A kubeconfig for a GKE cluster that authenticates with `gke-gcloud-auth-plugin` (installed with gcloud). */
export function gkeKubeconfig(name: string, endpoint: string, caCertificate: string): string {
  const context = { cluster: name, user: name };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: `https://${endpoint}`, 'certificate-authority-data': caCertificate } }],
    contexts: [{ name, context }],
    'current-context': name,
    users: [
      {
        name,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'gke-gcloud-auth-plugin',
            installHint: 'Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin',
            provideClusterInfo: true,
          },
        },
      },
    ],
  });
}
