// Drives the running Bulwark cloud with the official Azure SDK (@azure/arm-hybridcompute, the only version on
// the npm registry: 3.0.0), authenticated with a Bulwark bearer token over https, as an Arc user's script would.
// Prints one JSON line: each call and its outcome. Run by AzureSdkTest; environment:
//   BULWARK_URL, BULWARK_TOKEN, BULWARK_SUBSCRIPTION, BULWARK_RESOURCE_GROUP, BULWARK_MACHINE,
//   BULWARK_PUBLISHER, BULWARK_TYPE, BULWARK_VERSION; NODE_EXTRA_CA_CERTS (the local CA).
const { HybridComputeManagementClient } = require("@azure/arm-hybridcompute");

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(name + " is not set");
  return value;
};

// The SDK pins api-version 2021-05-20, which Bulwark does not serve yet (issue 11): ask for 2024-07-10 instead.
const apiVersion = {
  name: "bulwark-api-version",
  sendRequest: (request, next) => {
    request.url = request.url.replace("api-version=2021-05-20", "api-version=2024-07-10");
    return next(request);
  },
};

function client(token) {
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600 * 1000 }) };
  return new HybridComputeManagementClient(credential, env("BULWARK_SUBSCRIPTION"), {
    endpoint: env("BULWARK_URL"),
    credentialScopes: ["https://management.bulwark.local/.default"],
    additionalPolicies: [{ policy: apiVersion, position: "perCall" }],
    updateIntervalInMs: 500,
  });
}

async function main() {
  const rg = env("BULWARK_RESOURCE_GROUP");
  const machine = env("BULWARK_MACHINE");
  const results = [];
  const step = async (name, call) => {
    try {
      const value = await call();
      results.push({ call: name, ok: true, value });
    } catch (e) {
      results.push({ call: name, ok: false, status: e.statusCode, code: e.code, message: String(e.message).slice(0, 300) });
    }
  };
  const sdk = client(env("BULWARK_TOKEN"));
  await step("machines.get", async () => (await sdk.machines.get(rg, machine)).name);
  await step("machineExtensions.beginCreateOrUpdateAndWait", async () => (await sdk.machineExtensions.beginCreateOrUpdateAndWait(
      rg, machine, "sdk-logs", {
        location: "westeurope",
        properties: {
          publisher: env("BULWARK_PUBLISHER"),
          type: env("BULWARK_TYPE"),
          typeHandlerVersion: env("BULWARK_VERSION"),
          settings: { endpoint: "https://logs.example.test" },
        },
      })).properties.provisioningState);
  await step("machineExtensions.get", async () => (await sdk.machineExtensions.get(rg, machine, "sdk-logs")).properties.provisioningState);
  await step("machineExtensions.list", async () => {
    const names = [];
    for await (const extension of sdk.machineExtensions.list(rg, machine)) names.push(extension.name);
    return names;
  });
  await step("machineExtensions.beginDeleteAndWait", async () => {
    await sdk.machineExtensions.beginDeleteAndWait(rg, machine, "sdk-logs");
    return "deleted";
  });
  await step("machines.get with a forged token", async () => (await client(env("BULWARK_TOKEN") + "x").machines.get(rg, machine)).name);
  console.log(JSON.stringify(results));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
