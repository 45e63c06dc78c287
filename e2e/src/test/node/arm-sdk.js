// The conformance suite for Microsoft.HybridCompute: drives the running Bulwark cloud with the official Azure SDK
// (@azure/arm-hybridcompute 3.0.0, the only version on the npm registry, which pins api-version 2021-05-20), unchanged,
// authenticated with a Bulwark bearer token over https, as an Arc user's script would. Every operation 3.0.0 offers
// for `machines` and `machineExtensions` runs, long-running ones through the SDK's own pollers (@azure/core-lro).
// What 3.0.0 lacks (a machine's PATCH, upgradeExtensions) goes through the same client's pipeline (sendRequest) and,
// for the long-running one, core-lro's createHttpPoller: the engine the SDK's pollers run on.
// Prints one JSON line: each call and its outcome. Run by EndToEndTest; environment:
//   BULWARK_URL, BULWARK_TOKEN, BULWARK_SUBSCRIPTION, BULWARK_RESOURCE_GROUP, BULWARK_MACHINE (with a running agent),
//   BULWARK_GONE_MACHINE (registered, no agent: deleted here), BULWARK_PUBLISHER, BULWARK_TYPE, BULWARK_VERSION,
//   BULWARK_UPGRADE_VERSION; NODE_EXTRA_CA_CERTS (the local CA).
const { HybridComputeManagementClient } = require("@azure/arm-hybridcompute");
const { createHttpPoller } = require("@azure/core-lro");
const { createPipelineRequest, createHttpHeaders } = require("@azure/core-rest-pipeline");

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(name + " is not set");
  return value;
};

function client(token) {
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600 * 1000 }) };
  return new HybridComputeManagementClient(credential, env("BULWARK_SUBSCRIPTION"), {
    endpoint: env("BULWARK_URL"),
    credentialScopes: ["https://management.bulwark.local/.default"],
    updateIntervalInMs: 500,
  });
}

/** A request through the SDK client's own pipeline (its token policy included), at the SDK's api-version. */
async function send(sdk, method, url, body) {
  const request = createPipelineRequest({
    url,
    method,
    headers: createHttpHeaders({ "Content-Type": "application/json", Accept: "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await sdk.sendRequest(request);
  const parsed = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
  if (response.status >= 400) {
    const error = new Error((parsed && parsed.error && parsed.error.message) || "HTTP " + response.status);
    error.statusCode = response.status;
    error.code = parsed && parsed.error && parsed.error.code;
    throw error;
  }
  return { statusCode: response.status, headers: response.headers.toJSON(), body: parsed };
}

function armUrl(sdk, path) {
  return env("BULWARK_URL") + path + "?api-version=" + sdk.apiVersion;
}

/** POST .../upgradeExtensions, polled to its end by core-lro's createHttpPoller, as a generated SDK would. */
async function upgradeExtensions(sdk, rg, machine, targets) {
  const path = "/subscriptions/" + env("BULWARK_SUBSCRIPTION") + "/resourceGroups/" + rg
      + "/providers/Microsoft.HybridCompute/machines/" + machine + "/upgradeExtensions";
  const asLro = (r) => ({ flatResponse: r.body, rawResponse: { statusCode: r.statusCode, headers: r.headers, body: r.body } });
  const poller = await createHttpPoller({
    requestMethod: "POST",
    requestPath: armUrl(sdk, path),
    sendInitialRequest: async () => asLro(await send(sdk, "POST", armUrl(sdk, path), { extensionTargets: targets })),
    sendPollRequest: async (url) => asLro(await send(sdk, "GET", url)),
  }, { intervalInMs: 500 });
  return poller.pollUntilDone();
}

/** Every page of a paged list: the SDK's byPage() follows nextLink. */
async function pagesOf(iterator) {
  const pages = [];
  for await (const page of iterator.byPage()) pages.push(page.map((resource) => resource.name));
  return pages;
}

async function main() {
  const rg = env("BULWARK_RESOURCE_GROUP");
  const machine = env("BULWARK_MACHINE");
  const gone = env("BULWARK_GONE_MACHINE");
  const results = [];
  const step = async (name, call) => {
    try {
      const value = await call();
      results.push({ call: name, ok: true, value });
    } catch (e) {
      results.push({ call: name, ok: false, status: e.statusCode, code: e.code, message: String(e.message).slice(0, 300) });
    }
  };
  const extension = (endpoint) => ({
    location: "westeurope",
    properties: {
      publisher: env("BULWARK_PUBLISHER"),
      type: env("BULWARK_TYPE"),
      typeHandlerVersion: env("BULWARK_VERSION"),
      settings: { endpoint },
    },
  });
  const sdk = client(env("BULWARK_TOKEN"));

  await step("machines.get", async () => (await sdk.machines.get(rg, machine)).name);
  await step("machines.listByResourceGroup", async () => {
    const pages = await pagesOf(sdk.machines.listByResourceGroup(rg));
    const names = [];
    for await (const m of sdk.machines.listByResourceGroup(rg)) names.push(m.name);
    return { pages: pages.length, names };
  });
  await step("machines.listBySubscription", async () => {
    const pages = await pagesOf(sdk.machines.listBySubscription());
    return { pages: pages.length, names: pages.flat() };
  });
  await step("machines.update (PATCH tags; not in 3.0.0: sendRequest)", async () => {
    const path = "/subscriptions/" + env("BULWARK_SUBSCRIPTION") + "/resourceGroups/" + rg
        + "/providers/Microsoft.HybridCompute/machines/" + machine;
    const patched = await send(sdk, "PATCH", armUrl(sdk, path), { tags: { suite: "conformance" } });
    return patched.body.tags;
  });

  await step("machineExtensions.beginCreateOrUpdate + pollUntilDone", async () => {
    const poller = await sdk.machineExtensions.beginCreateOrUpdate(rg, machine, "sdk-logs", extension("https://logs.example.test"));
    return (await poller.pollUntilDone()).properties.provisioningState;
  });
  await step("machineExtensions.beginCreateOrUpdateAndWait", async () => (await sdk.machineExtensions
      .beginCreateOrUpdateAndWait(rg, machine, "sdk-logs-2", extension("https://two.example.test"))).properties.provisioningState);
  await step("machineExtensions.beginCreateOrUpdateAndWait (a third)", async () => (await sdk.machineExtensions
      .beginCreateOrUpdateAndWait(rg, machine, "sdk-logs-3", extension("https://three.example.test"))).properties.provisioningState);
  await step("machineExtensions.get", async () => (await sdk.machineExtensions.get(rg, machine, "sdk-logs")).properties.provisioningState);
  await step("machineExtensions.beginUpdate + pollUntilDone", async () => {
    const poller = await sdk.machineExtensions.beginUpdate(rg, machine, "sdk-logs",
        { properties: { settings: { endpoint: "https://patched.example.test" } } });
    const done = await poller.pollUntilDone();
    return done.properties.provisioningState + " " + done.properties.settings.endpoint;
  });
  await step("machineExtensions.beginUpdateAndWait", async () => {
    const done = await sdk.machineExtensions.beginUpdateAndWait(rg, machine, "sdk-logs-2",
        { properties: { settings: { endpoint: "https://patched-two.example.test" } } });
    return done.properties.provisioningState + " " + done.properties.settings.endpoint;
  });
  await step("machineExtensions.list", async () => {
    const pages = await pagesOf(sdk.machineExtensions.list(rg, machine));
    const names = [];
    for await (const e of sdk.machineExtensions.list(rg, machine)) names.push(e.name);
    return { pages: pages.length, names };
  });
  await step("upgradeExtensions (not in 3.0.0: sendRequest + createHttpPoller)", async () => {
    await upgradeExtensions(sdk, rg, machine, {
      [env("BULWARK_PUBLISHER") + "." + env("BULWARK_TYPE")]: { targetVersion: env("BULWARK_UPGRADE_VERSION") },
    });
    return (await sdk.machineExtensions.get(rg, machine, "sdk-logs")).properties.typeHandlerVersion;
  });
  await step("machineExtensions.beginDelete + pollUntilDone", async () => {
    const poller = await sdk.machineExtensions.beginDelete(rg, machine, "sdk-logs");
    await poller.pollUntilDone();
    return "deleted";
  });
  await step("machineExtensions.beginDeleteAndWait", async () => {
    await sdk.machineExtensions.beginDeleteAndWait(rg, machine, "sdk-logs-2");
    await sdk.machineExtensions.beginDeleteAndWait(rg, machine, "sdk-logs-3");
    return "deleted";
  });
  await step("machineExtensions.get after delete", async () => (await sdk.machineExtensions.get(rg, machine, "sdk-logs")).name);

  // A machine deleted while an operation on it is in flight: the delete answers 200, the poller ends Failed.
  let inFlight;
  await step("machineExtensions.beginCreateOrUpdate on a machine without an agent", async () => {
    inFlight = await sdk.machineExtensions.beginCreateOrUpdate(rg, gone, "sdk-orphan", extension("https://orphan.example.test"));
    await inFlight.poll(); // 3.0.0's poller sends the PUT at its first poll
    return inFlight.isDone() ? "done" : "running";
  });
  await step("machines.delete", async () => {
    let status;
    await sdk.machines.delete(rg, gone, { onResponse: (raw) => { status = raw.status; } });
    return status;
  });
  await step("pollUntilDone of the operation in flight on the deleted machine", async () => (await inFlight.pollUntilDone()).name);
  await step("machines.get after delete", async () => (await sdk.machines.get(rg, gone)).name);
  await step("machines.delete again", async () => {
    let status;
    await sdk.machines.delete(rg, gone, { onResponse: (raw) => { status = raw.status; } });
    return status;
  });
  await step("machines.get with a forged token", async () => (await client(env("BULWARK_TOKEN") + "x").machines.get(rg, machine)).name);
  console.log(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
