import { App } from 'aws-cdk-lib';
import { stageFromContext } from './config.ts';
import { VrnStack } from './stack.ts';

/** `npx cdk synth|deploy -c vrn:stage=NAME`: one stack per stage, configured in cdk.json. */
const app = new App();
const stage = stageFromContext((key) => app.node.tryGetContext(key));
new VrnStack(app, `Vrn-${stage.name}`, stage);
app.synth();
