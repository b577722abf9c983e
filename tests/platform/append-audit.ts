// A second process appending to a data dir's audit trail (as a CLI command does while vrn serve runs):
// node --import tsx tests/platform/append-audit.ts DATA_DIR COUNT
import { localPlatform } from '../../functions/platform/local.ts';

const [dataDir, count] = process.argv.slice(2);
const { audit } = localPlatform(dataDir);
for (let i = 0; i < Number(count); i++) {
  await audit.append({
    time: new Date(Date.UTC(2025, 10, 1, 13, 0, i)).toISOString(), user: 'vrn-analyst', role: 'analyst', method: 'POST',
    route: '/v1/linkage/review/:pair', scope: {}, outcome: 'allowed', status: 200, touched: { review_pair: `pair-${i}` },
  });
}
