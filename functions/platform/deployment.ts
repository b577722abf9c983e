import { DEFAULT_DEPLOYMENT, loadDeployment, type Deployment } from '../../schemas/deployments/index.ts';

/**
 * The deployment this process serves, chosen by configuration: VRN_DEPLOYMENT (locally `llr` unless set; in AWS the
 * CDK app sets it from the stage in cdk.json). An unknown name is an error listing the known ones.
 */
export function deploymentFromEnv(env: Record<string, string | undefined> = process.env): Deployment {
  return loadDeployment(env.VRN_DEPLOYMENT || DEFAULT_DEPLOYMENT);
}
