// Offline checks of deploy/k8s and the Dockerfile (CTest: deploy.manifests), no cluster, no network:
//   1. each kustomization (base, overlays/*) is rendered by `kubectl kustomize` and every object is
//      validated against the Kubernetes API schemas that npm's kubernetes-models compiles (types,
//      required fields, enums, formats);
//   2. switchyard's own rules: probes on /readyz and /healthz, a grace period that covers the
//      preStop pause plus the config's drain_timeout, every ${VAR} of the config given by the pod's
//      environment, the Service, PDB and HPA aimed at the Deployment, HPA metrics that the
//      Prometheus adapter's rules serve and that switchyard renders;
//   3. the ConfigMap's config passes `switchyard check-config`, its container paths mapped back to
//      the files the Dockerfile copies there; and the Dockerfile's COPY sources exist.
//   node deploy/k8s/validate.mjs PATH/TO/switchyard
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const binary = process.argv[2];
const problems = [];
const fail = (where, what) => problems.push(`${where}: ${what}`);

function render(dir) {
  const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return YAML.parseAllDocuments(out).map((d) => d.toJS()).filter(Boolean);
}

// kubernetes-models lays its classes out as GROUP/VERSION/KIND (the core group as VERSION/KIND).
async function validateSchema(where, obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
  const module = `kubernetes-models/${group ? `${group}/` : ""}${version}/${obj.kind}`;
  let Model;
  try {
    Model = (await import(module))[obj.kind];
  } catch {
    return fail(where, `no schema for ${obj.apiVersion} ${obj.kind}`);
  }
  try {
    new Model(obj).validate();
  } catch (e) {
    fail(where, `schema: ${e.message}`);
  }
}

const seconds = (d) => {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(String(d).trim());
  if (!m) return NaN;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? "s"];
};

// The names switchyard renders on /metrics, found where the sources write them.
function renderedMetricNames() {
  const names = new Set();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".cpp")) for (const m of fs.readFileSync(p, "utf8").matchAll(/"(switchyard_[a-z_]+)/g)) names.add(m[1]);
    }
  };
  walk(path.join(root, "src"));
  return names;
}

// Dockerfile: COPY sources that must exist in the tree, and where the run stage puts repo files.
function readDockerfile() {
  const text = fs.readFileSync(path.join(root, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const imagePaths = new Map();  // container path -> repo path (files the run stage takes from the tree)
  for (const line of text.split("\n")) {
    const copy = /^COPY\s+(--from=(\S+)\s+)?(.+)$/.exec(line.trim());
    if (!copy) continue;
    const args = copy[3].trim().split(/\s+/);
    const dest = args.pop();
    for (const src of args) {
      const repoPath = copy[2] ? src.replace(/^\/src\//, "") : src;
      if (copy[2] && repoPath === src) continue;  // not from the source tree
      const generated = repoPath.startsWith("build/") || repoPath.startsWith("var/") || repoPath === "runtime-packages";
      if (!generated && !fs.existsSync(path.join(root, repoPath))) fail("Dockerfile", `COPY source ${src} does not exist`);
      if (dest.startsWith("/") && copy[2]) imagePaths.set(dest, repoPath);
    }
  }
  for (const [what, re] of [["HEALTHCHECK on /readyz", /^HEALTHCHECK .*\/readyz/m], ["a non-root USER", /^USER (?!root|0\b)\S+/m],
                            ["VOLUME for config and models", /^VOLUME .*\/etc\/switchyard.*\/models/m]]) {
    if (!re.test(text)) fail("Dockerfile", `no ${what}`);
  }
  // The config the CMD serves is the one copied from deploy/container/.
  const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(text)?.[1] ?? "[]");
  const served = cmd[cmd.indexOf("--config") + 1];
  if (!served || !new RegExp(`^COPY deploy/container/switchyard\\.yaml ${served}$`, "m").test(text)) {
    fail("Dockerfile", `CMD serves ${served}, which is not where deploy/container/switchyard.yaml is copied`);
  }
  const uid = /useradd [^\n]*--uid (\d+)/.exec(text)?.[1];
  return { text, imagePaths, uid: uid && Number(uid) };
}

// The config as the image sees it, with container paths turned back into the files copied there
// (the demo model is made in the build stage: a GGUF stand-in takes its place here).
function checkConfig(where, configText, docker) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sy-k8s-"));
  try {
    let text = configText;
    for (const [dest, repoPath] of docker.imagePaths) {
      let local = path.join(root, repoPath);
      if (repoPath.startsWith("var/models")) {
        local = path.join(dir, "models/");
        fs.mkdirSync(local, { recursive: true });
        fs.writeFileSync(path.join(local, "faq-tiny.gguf"), "GGUF stand-in");
      }
      text = text.split(dest).join(dest.endsWith("/") && !local.endsWith("/") ? `${local}/` : local);
    }
    text = text.replaceAll("/var/lib/switchyard/", `${dir}/`);
    const file = path.join(dir, "switchyard.yaml");
    fs.writeFileSync(file, text);
    const env = { PATH: process.env.PATH, SWITCHYARD_KEY: "k", SWITCHYARD_ADMIN_KEY: "a",
                  SWITCHYARD_STORE: "postgres://sy:pw@127.0.0.1:5432/switchyard", SWITCHYARD_REDIS: "redis://127.0.0.1:6379/0" };
    const r = spawnSync(binary, ["check-config", "--config", file], { encoding: "utf8", env });
    if (r.status !== 0) fail(where, `check-config exit ${r.status}: ${(r.stdout + r.stderr).split("\n").filter((l) => l.includes("error")).join(" | ")}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function checkKustomization(dir, docker, metricNames, adapterNames) {
  const name = path.relative(root, dir);
  const objects = render(dir);
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  for (const o of objects) await validateSchema(`${name} ${o.kind}/${o.metadata?.name}`, o);
  for (const kind of ["Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "HorizontalPodAutoscaler"]) {
    if (byKind(kind).length !== 1) fail(name, `expected one ${kind}, found ${byKind(kind).length}`);
  }
  const [deploy] = byKind("Deployment"), [svc] = byKind("Service"), [cm] = byKind("ConfigMap");
  const [pdb] = byKind("PodDisruptionBudget"), [hpa] = byKind("HorizontalPodAutoscaler");
  if (!deploy || !svc || !cm || !pdb || !hpa) return;
  const pod = deploy.spec.template.spec;
  const c = pod.containers.find((x) => x.name === "switchyard");
  if (!c) return fail(name, "no container named switchyard");
  const where = `${name} Deployment`;
  if (c.readinessProbe?.httpGet?.path !== "/readyz") fail(where, "readinessProbe must GET /readyz");
  if (c.livenessProbe?.httpGet?.path !== "/healthz") fail(where, "livenessProbe must GET /healthz");

  // The config: mounted from the ConfigMap at the path the args name.
  const configArg = c.args?.[c.args.indexOf("--config") + 1];
  const vol = pod.volumes.find((v) => v.configMap?.name === cm.metadata.name);
  const mount = vol && c.volumeMounts.find((m) => m.name === vol.name);
  if (!mount || !configArg || path.dirname(configArg) !== mount.mountPath || !(path.basename(configArg) in cm.data)) {
    return fail(where, `--config ${configArg} is not the ConfigMap ${cm.metadata.name} mounted there`);
  }
  const configText = cm.data[path.basename(configArg)];
  const config = YAML.parse(configText);

  // Shutdown: endpoints removed during preStop, then SIGTERM drains for drain_timeout.
  const sleep = Number(c.lifecycle?.preStop?.exec?.command?.at(-1) ?? c.lifecycle?.preStop?.sleep?.seconds);
  const drain = seconds(config.drain_timeout ?? "30s");
  if (!(sleep >= 5)) fail(where, "preStop must pause (>= 5s) so endpoints are removed before the drain starts");
  if (!(pod.terminationGracePeriodSeconds > sleep + drain)) {
    fail(where, `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} must exceed preStop ${sleep}s + drain_timeout ${drain}s`);
  }

  // Secrets: every ${VAR} the config needs (no default) comes from the pod's environment.
  const env = new Map((c.env ?? []).map((e) => [e.name, e]));
  const uncommented = configText.replace(/(^|\s)#.*$/gm, "");  // YAML comments are not interpolated
  for (const m of uncommented.matchAll(/\$\{([A-Z0-9_]+)(:-[^}]*)?\}/g)) {
    if (!m[2] && !env.has(m[1])) fail(where, `config needs \${${m[1]}} but the container does not set it`);
    const ref = env.get(m[1])?.valueFrom?.secretKeyRef;
    if (/KEY|STORE|REDIS/.test(m[1]) && env.has(m[1]) && !ref) fail(where, `${m[1]} must come from a Secret`);
  }

  // Image user and the pod's security context agree; the Service, PDB and HPA aim at these pods.
  if (docker.uid !== undefined && pod.securityContext?.runAsUser !== docker.uid) fail(where, `runAsUser must be the image's uid ${docker.uid}`);
  const labels = deploy.spec.template.metadata.labels;
  const selects = (sel) => sel && Object.entries(sel).every(([k, v]) => labels[k] === v);
  if (!selects(svc.spec.selector)) fail(`${name} Service`, "selector does not match the pods");
  for (const p of svc.spec.ports) if (!c.ports.some((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort)) fail(`${name} Service`, `targetPort ${p.targetPort} is no container port`);
  if (!selects(pdb.spec.selector?.matchLabels)) fail(`${name} PodDisruptionBudget`, "selector does not match the pods");
  if (hpa.spec.scaleTargetRef.kind !== "Deployment" || hpa.spec.scaleTargetRef.name !== deploy.metadata.name) fail(`${name} HPA`, "does not scale the Deployment");
  for (const m of hpa.spec.metrics.filter((x) => x.type === "Pods")) {
    const metric = m.pods.metric.name;
    if (!adapterNames.has(metric)) fail(`${name} HPA`, `${metric} is served by no prometheus-adapter rule`);
    if (!metricNames.has(metric)) fail(`${name} HPA`, `${metric} is not a metric switchyard renders`);
  }
  checkConfig(`${name} ConfigMap`, configText, docker);
}

const docker = readDockerfile();
checkConfig("deploy/container/switchyard.yaml", fs.readFileSync(path.join(root, "deploy/container/switchyard.yaml"), "utf8"), docker);
if (!fs.statSync(path.join(root, "bench/container_image.sh")).mode & 0o111) fail("bench/container_image.sh", "not executable");

// The adapter's rules: each series switchyard renders, exposed per pod under its own name.
const metricNames = renderedMetricNames();
const adapter = YAML.parse(fs.readFileSync(path.join(here, "prometheus-adapter/values.yaml"), "utf8"));
const adapterNames = new Set();
for (const rule of adapter.rules?.custom ?? []) {
  const series = /^([a-z_:]+)/.exec(rule.seriesQuery)?.[1];
  if (!metricNames.has(series)) fail("prometheus-adapter", `${series} is not a metric switchyard renders`);
  if (!rule.resources?.overrides?.pod || !rule.resources?.overrides?.namespace) fail("prometheus-adapter", `${series}: needs pod and namespace overrides`);
  if (!/<<\.Series>>/.test(rule.metricsQuery) || !/by \(<<\.GroupBy>>\)/.test(rule.metricsQuery)) fail("prometheus-adapter", `${series}: metricsQuery must sum the series by pod`);
  adapterNames.add(rule.name?.as ?? series);
}
if (adapterNames.size === 0) fail("prometheus-adapter", "no rules.custom");

const dirs = [path.join(here, "base"), ...fs.readdirSync(path.join(here, "overlays")).map((d) => path.join(here, "overlays", d))];
for (const dir of dirs) await checkKustomization(dir, docker, metricNames, adapterNames);

for (const p of problems) console.error(`FAIL ${p}`);
console.log(`${dirs.length} kustomizations, Dockerfile, adapter rules: ${problems.length ? `${problems.length} problems` : "valid"}`);
process.exit(problems.length ? 1 : 0);
