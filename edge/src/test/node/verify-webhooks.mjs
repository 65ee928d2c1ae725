// Verifies deliveries signed by the edge with the reference verifier of Standard Webhooks (the npm
// package standardwebhooks). Reads a JSON file of {secret, headers, body} and prints one line a
// delivery: "VERIFIED i" or "REJECTED i <reason>", then "DONE".
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';

const deliveries = JSON.parse(readFileSync(process.argv[2], 'utf8'));
deliveries.forEach((delivery, i) => {
  try {
    new Webhook(delivery.secret).verify(delivery.body, delivery.headers);
    console.log(`VERIFIED ${i}`);
  } catch (error) {
    console.log(`REJECTED ${i} ${error.message}`);
  }
});
console.log('DONE');
