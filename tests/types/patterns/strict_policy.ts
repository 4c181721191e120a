/**
 * Deprecation-safe code: a client typed with `{ deprecated: "reject" }`
 * (the compat policy), in strict mode at run time too, using the job-*
 * commands instead of the deprecated block-job-* ones, and capability
 * queries against the live schema before optional features.
 */
import { connect, type QmpClient, ValidationError } from "../../../mod.ts";
import type { CommandArgs, Qmp10_2 } from "../../../mod.ts";

type Policy = { deprecated: "reject" };
type Client = QmpClient<Qmp10_2, Policy>;

export async function open(path: string): Promise<Client> {
  return await connect<Qmp10_2, Policy>(path, {
    strict: true,
    policy: { deprecated: "reject", unstable: "reject" },
    validateReplies: true,
  });
}

export async function commit(qmp: Client, node: string, top: string, base: string) {
  // Under a policy, the argument type takes the policy too.
  const args: CommandArgs<Qmp10_2, "block-commit", Policy> = {
    "job-id": "commit0",
    device: node,
    "top-node": top,
    "base-node": base,
  };
  await qmp.execute("block-commit", args);
  await qmp.execute("job-complete", { id: "commit0" });
  await qmp.execute("job-dismiss", { id: "commit0" });
}

export async function tune(qmp: Client) {
  if (await qmp.supports("blockdev-add/arg-type/+file/aio-max-batch")) {
    await qmp.execute("blockdev-add", {
      driver: "file",
      "node-name": "f",
      filename: "/tmp/x",
      "aio-max-batch": 32,
    });
  }
  try {
    await qmp.execute("query-status");
  } catch (error) {
    if (error instanceof ValidationError) console.error(error.message);
  }
}

export async function mistakes(qmp: Client) {
  const accepting: CommandArgs<Qmp10_2, "block-commit"> = { device: "d", "top-node": "t" };
  // @ts-expect-error arguments typed without the policy may hold deprecated members (`base`)
  await qmp.execute("block-commit", accepting);
  // @ts-expect-error block-job-complete is deprecated: the policy rejects it
  await qmp.execute("block-job-complete", { device: "commit0" });
  // @ts-expect-error `top` is deprecated (use top-node)
  await qmp.execute("block-commit", { device: "d", top: "/tmp/top.qcow2" });
  // @ts-expect-error `detach` of migrate is deprecated
  await qmp.execute("migrate", { uri: "tcp:h:1", detach: true });
  // @ts-expect-error the policy's value is accept or reject
  await connect<Qmp10_2, { deprecated: "warn" }>("/tmp/qmp.sock");
}
