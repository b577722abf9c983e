import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AccountRecovery, CfnUserPoolGroup, ClientAttributes, Mfa, OAuthScope, StringAttribute, UserPool, UserPoolClient, UserPoolClientIdentityProvider, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { loadDeployment } from '../../schemas/deployments/index.ts';
import type { Stage } from '../config.ts';
import { ServiceFunction } from './service-function.ts';

export interface ApiProps {
  stage: Stage;
  environment: Record<string, string>;
}

/**
 * The way in: a Cognito user pool with a group per role of the agreement (scope in custom attributes only an
 * admin can set), and an HTTP API whose every /v1 route needs a valid Cognito JWT before the `api` Lambda sees it.
 * /health and /openapi.json are open; the portal's pages go to the same app, which checks its own sign-in: users
 * sign in through the user pool's hosted UI (authorization code with PKCE) and come back to /portal/callback.
 */
export class Api extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** The hosted UI the portal signs users in through. */
  readonly signInDomain: UserPoolDomain;
  readonly httpApi: HttpApi;
  readonly handler: ServiceFunction;

  constructor(scope: Construct, id: string, { stage, environment }: ApiProps) {
    super(scope, id);
    const removalPolicy = stage.destroyOnRemoval ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
    this.userPool = new UserPool(this, 'Users', {
      userPoolName: `vrn-${stage.name}`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      mfa: Mfa[stage.mfa],
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      customAttributes: {
        organisation: new StringAttribute({ mutable: true, maxLen: 64 }),
        locality: new StringAttribute({ mutable: true, maxLen: 64 }),
        panel: new StringAttribute({ mutable: true, maxLen: 16 }),
        programme: new StringAttribute({ mutable: true, maxLen: 60 }),
      },
      deletionProtection: !stage.destroyOnRemoval,
      removalPolicy,
    });
    for (const [role, description] of Object.entries(loadDeployment(stage.deployment).agreement.roles)) {
      new CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: this.userPool.userPoolId, groupName: role, description: description.slice(0, 2048) });
    }
    this.signInDomain = this.userPool.addDomain('SignIn', { cognitoDomain: { domainPrefix: stage.signInDomainPrefix } });
    this.httpApi = new HttpApi(this, 'Http', { apiName: `vrn-${stage.name}`, createDefaultStage: false });
    const portalUrl = stage.portalUrl?.replace(/\/+$/, '') ?? this.httpApi.apiEndpoint;
    this.client = this.userPool.addClient('Portal', {
      generateSecret: false,
      // SRP for clients that sign in themselves; admin-initiated sign-in for operators who hold IAM rights (the
      // deployment guide's first upload); the portal through the hosted UI (functions/portal/hosted-sign-in.tsx).
      authFlows: { userSrp: true, adminUserPassword: true },
      // The authorization code grant only, which the portal always makes with PKCE (S256): no implicit grant, no
      // client credentials, and no scope beyond openid.
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID],
        callbackUrls: [`${portalUrl}/portal/callback`],
        logoutUrls: [`${portalUrl}/portal/signed-out`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      // Tokens carry the scope attributes and no email or name: the portal keeps the ID token in its session cookie.
      readAttributes: new ClientAttributes().withCustomAttributes('organisation', 'locality', 'panel', 'programme'),
      // Users may not set their own scope: organisation, locality, panel and programme are written by an admin only.
      writeAttributes: undefined,
    });

    this.handler = new ServiceFunction(this, 'Handler', {
      handler: 'api', stage, memorySize: 1536, timeout: Duration.seconds(29),
      // The app verifies the same Cognito tokens again (functions/api/auth: VRN_AUTH=cognito), for the routes the
      // authorizer leaves open and as a second check on the rest.
      environment: {
        ...environment, VRN_AUTH: 'cognito', VRN_COGNITO_REGION: Stack.of(this).region,
        VRN_COGNITO_USER_POOL_ID: this.userPool.userPoolId, VRN_COGNITO_CLIENT_ID: this.client.userPoolClientId,
        VRN_COGNITO_DOMAIN: this.signInDomain.baseUrl(), VRN_PORTAL_URL: portalUrl,
      },
    });

    const integration = new HttpLambdaIntegration('App', this.handler.fn);
    const jwt = new HttpUserPoolAuthorizer('Cognito', this.userPool, { userPoolClients: [this.client], identitySource: ['$request.header.Authorization'] });
    const route = (path: string, methods: HttpMethod[], authorizer: IHttpRouteAuthorizer) => this.httpApi.addRoutes({ path, methods, integration, authorizer });
    route('/health', [HttpMethod.GET], new HttpNoneAuthorizer());
    route('/openapi.json', [HttpMethod.GET], new HttpNoneAuthorizer());
    route('/v1', [HttpMethod.ANY], jwt);
    route('/v1/{proxy+}', [HttpMethod.ANY], jwt);
    route('/', [HttpMethod.GET], new HttpNoneAuthorizer());
    route('/{proxy+}', [HttpMethod.GET, HttpMethod.POST], new HttpNoneAuthorizer());

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: stage.logRetentionDays as RetentionDays, removalPolicy });
    new HttpStage(this, 'Stage', {
      httpApi: this.httpApi, stageName: '$default', autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });

    new CfnOutput(this, 'Url', { value: this.httpApi.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.client.userPoolClientId });
    new CfnOutput(this, 'PortalUrl', { value: `${portalUrl}/portal` });
  }
}
