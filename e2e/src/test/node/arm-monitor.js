// Reads the running Bulwark cloud's activity log with the official Azure Monitor SDK (@azure/arm-monitor 7.0.0,
// the last version for Node 20), authenticated with a Bulwark bearer token over https, as an Arc user's audit script
// would: MonitorClient(...).activityLogs.list(filter, { select }), following nextLink across pages.
// Prints one JSON line: each call, the filter and $select it sent, and what it saw. Run by EndToEndTest; environment:
//   BULWARK_URL, BULWARK_TOKEN, BULWARK_SUBSCRIPTION, BULWARK_RESOURCE_GROUP, BULWARK_FROM, BULWARK_TO (ISO times
//   around the probe operations), BULWARK_CORRELATION (the first probe's correlation id), BULWARK_RESOURCE_URI (its
//   resource id);
//   NODE_EXTRA_CA_CERTS (the local CA).
const { MonitorClient } = require("@azure/arm-monitor");

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(name + " is not set");
  return value;
};

// Every request the SDK sends, so the output shows the pages it fetched and the query it encoded.
const sent = [];
const recorder = {
  name: "bulwark-recorder",
  sendRequest: (request, next) => {
    sent.push(request.url);
    return next(request);
  },
};

// The SDK has no page size parameter; the paging call asks for small pages with $top, which nextLink carries on.
const smallPages = {
  name: "bulwark-small-pages",
  sendRequest: (request, next) => {
    if (!request.url.includes("$skipToken=")) request.url += "&$top=3";
    return next(request);
  },
};

function client(token, policies = []) {
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600 * 1000 }) };
  return new MonitorClient(credential, env("BULWARK_SUBSCRIPTION"), {
    // The operation specs build URLs from $host; endpoint sets the pipeline's base.
    $host: env("BULWARK_URL"),
    endpoint: env("BULWARK_URL"),
    credentialScopes: ["https://management.bulwark.local/.default"],
    additionalPolicies: [recorder, ...policies].map((policy) => ({ policy, position: "perCall" })),
  });
}

/** What a test can assert on: per event, the properties the SDK deserialized. */
function summary(event) {
  return {
    eventDataId: event.eventDataId,
    correlationId: event.correlationId,
    resourceId: event.resourceId,
    resourceGroupName: event.resourceGroupName,
    operationName: event.operationName && event.operationName.value,
    status: event.status && event.status.value,
    level: event.level,
    eventTimestamp: event.eventTimestamp instanceof Date ? event.eventTimestamp.toISOString() : event.eventTimestamp,
    authorization: event.authorization,
    claims: event.claims,
    caller: event.caller,
    present: Object.keys(event).filter((key) => event[key] !== undefined).sort(),
  };
}

async function main() {
  const from = env("BULWARK_FROM");
  const to = env("BULWARK_TO");
  const window = `eventTimestamp ge '${from}' and eventTimestamp le '${to}'`;
  const results = [];
  const step = async (name, filter, options, sdk = client(env("BULWARK_TOKEN"))) => {
    const before = sent.length;
    try {
      const events = [];
      for await (const event of sdk.activityLogs.list(filter, options)) events.push(summary(event));
      results.push({ call: name, filter, select: options && options.select, ok: true, requests: sent.slice(before), events });
    } catch (e) {
      results.push({ call: name, filter, ok: false, status: e.statusCode, code: e.code, message: String(e.message).slice(0, 300),
        requests: sent.slice(before) });
    }
  };
  await step("by correlationId", `${window} and correlationId eq '${env("BULWARK_CORRELATION")}'`);
  await step("by resourceUri with $select", `${window} and resourceUri eq '${env("BULWARK_RESOURCE_URI")}'`,
      { select: "eventTimestamp,status,authorization,claims,correlationId,operationName,level" });
  await step("by resourceGroupName and status", `${window} and resourceGroupName eq '${env("BULWARK_RESOURCE_GROUP")}'`
      + " and status eq 'Failed'");
  await step("by resourceGroupName, pages of 3", `${window} and resourceGroupName eq '${env("BULWARK_RESOURCE_GROUP")}'`,
      undefined, client(env("BULWARK_TOKEN"), [smallPages]));
  await step("an unsupported filter", `${window} and levell eq 'Error'`);
  console.log(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
