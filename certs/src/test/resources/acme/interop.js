// An independent ACME client (acme-client for Node.js) against our CA's ACME server, run by
// AcmeInteropTest: node interop.js DIRECTORY_URL EAB_KID EAB_HMAC CHALLENGE_PORT SIGN_CSR AUTH_CSR OUT_DIR
// Prints one line per step; exits 1 on the first step that goes wrong.
const acme = require('acme-client');
const fs = require('fs');
const http = require('http');
const path = require('path');

const [directoryUrl, kid, hmacKey, challengePort, signCsr, authCsr, out] = process.argv.slice(2);

async function refused(step, options) {
  try {
    const client = new acme.Client({ directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey('P-256'), ...options });
    await client.createAccount({ termsOfServiceAgreed: true });
  } catch (e) {
    console.log('REFUSED ' + step + ': ' + e.message);
    return;
  }
  throw new Error(step + ' was accepted');
}

(async () => {
  await refused('no-eab', {});
  await refused('bad-mac', { externalAccountBinding: { kid, hmacKey: Buffer.alloc(32, 7).toString('base64url') } });
  const client = new acme.Client({ directoryUrl, accountKey: await acme.crypto.createPrivateEcdsaKey('P-256'),
    externalAccountBinding: { kid, hmacKey } });
  await client.createAccount({ termsOfServiceAgreed: true });
  console.log('ACCOUNT ' + client.getAccountUrl());

  const signOrder = await client.createOrder({ identifiers: [{ type: 'xroad', value: process.env.SIGN_ID }] });
  const signed = await client.finalizeOrder(signOrder, fs.readFileSync(signCsr));
  fs.writeFileSync(path.join(out, 'sign.pem'), await client.getCertificate(signed));
  console.log('ISSUED sign');

  const answers = {};
  const listener = http.createServer((req, res) => {
    const answer = answers[req.url.split('/').pop()];
    res.writeHead(answer ? 200 : 404);
    res.end(answer || '');
  }).listen(Number(challengePort), '127.0.0.1');
  try {
    const authOrder = await client.createOrder({ identifiers: [{ type: 'xroad', value: process.env.AUTH_ID },
      { type: 'ip', value: '127.0.0.1' }] });
    for (const authz of await client.getAuthorizations(authOrder)) {
      if (authz.status === 'valid') {
        console.log('AUTHORIZED ' + authz.identifier.value);
        continue;
      }
      const challenge = authz.challenges.find(c => c.type === 'http-01');
      answers[challenge.token] = await client.getChallengeKeyAuthorization(challenge);
      await client.completeChallenge(challenge);
      await client.waitForValidStatus(challenge);
      console.log('VALIDATED ' + authz.identifier.value);
    }
    const authed = await client.finalizeOrder(authOrder, fs.readFileSync(authCsr));
    fs.writeFileSync(path.join(out, 'auth.pem'), await client.getCertificate(authed));
    console.log('ISSUED auth');
  } finally {
    listener.close();
  }
})().catch(e => {
  console.log('ERROR ' + e.message);
  process.exit(1);
});
