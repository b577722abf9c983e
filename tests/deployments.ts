import { loadDeployment } from '../schemas/deployments/index.ts';

/** The LLR bundle's parts, for tests written against LLR's localities, partners and users. */
export const llrDeployment = loadDeployment('llr');
export const llr = llrDeployment.area;
export const agreement = llrDeployment.agreement;
export const cohortRules = llrDeployment.cohort;
export const localUsers = llrDeployment.users;
