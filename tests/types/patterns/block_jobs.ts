/**
 * Block jobs as a backup tool runs them: blockdev-backup and
 * blockdev-mirror with job ids, progress from query-jobs, the end from
 * JOB_STATUS_CHANGE, and job-dismiss once concluded (auto-dismiss off).
 */
import { type EventData, QmpError, type QmpEvent } from "../../../mod.ts";
import type { CommandReturn, Qmp10_2, QmpClient } from "../../../mod.ts";

type Job = CommandReturn<Qmp10_2, "query-jobs">[number];

function percent(job: Job): number {
  const total = Number(job["total-progress"]);
  return total === 0 ? 0 : (Number(job["current-progress"]) / total) * 100;
}

async function concluded(qmp: QmpClient<Qmp10_2>, id: string): Promise<Job | undefined> {
  await qmp.waitFor("JOB_STATUS_CHANGE", {
    where: ({ data }) => data.id === id && data.status === "concluded",
    history: true,
  });
  const jobs = await qmp.execute("query-jobs");
  return jobs.find((job) => job.id === id);
}

export async function backup(qmp: QmpClient<Qmp10_2>, device: string, target: string) {
  const id = `backup-${device}`;
  await qmp.execute("blockdev-backup", {
    "job-id": id,
    device,
    target,
    sync: "full",
    "auto-dismiss": false,
    speed: 100 * 1024 * 1024,
    "on-target-error": "stop",
  });
  const job = await concluded(qmp, id);
  if (job?.error) console.error(`${id}: ${job.error}`);
  await qmp.execute("job-dismiss", { id });
  return job ? percent(job) : 100;
}

export async function mirror(qmp: QmpClient<Qmp10_2>, device: string, target: string) {
  const ready = qmp.waitFor("BLOCK_JOB_READY", {
    where: (event) => event.data.device === "mirror0",
    history: false,
  });
  await qmp.execute("blockdev-mirror", {
    "job-id": "mirror0",
    device,
    target,
    sync: "full",
    "copy-mode": "write-blocking",
  });
  const { data } = await ready;
  console.log(`ready after ${data.offset} of ${data.len} bytes`);
  await qmp.execute("job-complete", { id: "mirror0" });
  const completed: EventData<Qmp10_2, "BLOCK_JOB_COMPLETED"> = (
    await qmp.waitFor("BLOCK_JOB_COMPLETED", { where: (e) => e.data.device === "mirror0" })
  ).data;
  return completed.error === undefined;
}

export async function cancelAll(qmp: QmpClient<Qmp10_2>) {
  const jobs = await qmp.execute("query-block-jobs");
  const results = await Promise.allSettled(
    jobs.map((job) => qmp.execute("block-job-cancel", { device: job.device, force: true })),
  );
  const failed = results.flatMap((result, i) =>
    result.status === "rejected" && result.reason instanceof QmpError
      ? [`${jobs[i]!.device}: ${result.reason.desc}`]
      : []
  );
  return { cancelled: results.length - failed.length, failed };
}

export function describe(event: QmpEvent<Qmp10_2, "BLOCK_JOB_COMPLETED" | "BLOCK_JOB_ERROR">) {
  if (event.event === "BLOCK_JOB_ERROR") return `${event.data.device}: ${event.data.action}`;
  return `${event.data.device}: ${event.data.type} done, ${event.data.offset}/${event.data.len}`;
}

export async function mistakes(qmp: QmpClient<Qmp10_2>) {
  // @ts-expect-error sync mode misspelled
  await qmp.execute("blockdev-backup", { device: "d", target: "t", sync: "ful" });
  // @ts-expect-error job-id given in camelCase
  await qmp.execute("blockdev-backup", { jobId: "j", device: "d", target: "t", sync: "full" });
  // @ts-expect-error job-dismiss takes the job's `id`
  await qmp.execute("job-dismiss", { "job-id": "j" });
  const [job] = await qmp.execute("query-jobs");
  // @ts-expect-error the first element may be missing... and has no `progress`
  console.log(job!.progress);
  // @ts-expect-error a job's status is compared, not called
  job?.status();
  qmp.on("BLOCK_JOB_COMPLETED", (event) => {
    // @ts-expect-error `len` is a 64-bit integer: number | bigint, not number
    const len: number = event.data.len;
    console.log(len);
  });
}
