import { cleveland } from './cleveland/index.ts';
import { DeploymentError, parseDeployment, type Deployment, type DeploymentFiles } from './deployment.ts';
import { llr } from './llr/index.ts';

export { crossCheck, Deployment, DeploymentError, parseDeployment, type DeploymentFiles, type DisplayNames, type LocalUser } from './deployment.ts';

/** Every bundle the service knows, by name: a new deployment is a folder beside these and one line here. */
const bundles: Record<string, DeploymentFiles> = { cleveland, llr };

export const deploymentNames = Object.keys(bundles).sort();
export const DEFAULT_DEPLOYMENT = 'llr';

const loaded = new Map<string, Deployment>();

/** A bundle by name, parsed and cross-checked on first use; an unknown name is an error naming the known ones. */
export function loadDeployment(name: string): Deployment {
  const files = Object.hasOwn(bundles, name) ? bundles[name] : undefined;
  if (!files) throw new DeploymentError(`unknown deployment "${name}" (VRN_DEPLOYMENT); known deployments: ${deploymentNames.join(', ')}`);
  let deployment = loaded.get(name);
  if (!deployment) loaded.set(name, (deployment = parseDeployment(name, files)));
  return deployment;
}
