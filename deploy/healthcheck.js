// Health check of a vulgraad container: GET the URL given as the only
// argument and exit 0 on a 2xx answer, 1 otherwise (the slim Node image has
// neither curl nor wget). Used by deploy/compose.yaml.
'use strict';
const http = require('node:http');

const url = process.argv[2];
if (!url) {
  console.error('usage: node deploy/healthcheck.js http://127.0.0.1:<port>/<path>');
  process.exit(2);
}
const request = http.get(url, { timeout: 4000 }, (response) => {
  response.resume();
  process.exit(response.statusCode >= 200 && response.statusCode < 300 ? 0 : 1);
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  console.error(`${url}: ${error.message}`);
  process.exit(1);
});
