const es = new EventSource(`https://motioness.com/v1/${PK}/events/${ASSET_ID}`);
es.addEventListener('stage_completed', (e) => {
  const data = JSON.parse(e.data);
  console.log(`stage ${data.stage} done in ${data.latency_ms}ms`);
});
es.addEventListener('ready', () => { console.log('mp4 hot'); es.close(); });
es.addEventListener('failed', (e) => { console.error(JSON.parse(e.data)); es.close(); });
