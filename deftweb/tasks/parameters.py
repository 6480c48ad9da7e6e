"""What DEFT tells JEDI about a task: its name, output datasets and JSON task parameters.

Pure functions (no database): `tasks.definition` feeds them a request, a slice and a step. The
parameter set follows prodtask's `deftcore/protocol/task.json` and `taskdef.py`.
"""

import re
from dataclasses import dataclass

from deftweb.datasets import nomenclature

VO = "atlas"
PROD_SOURCE_LABEL = "managed"
TASK_TYPE = "prod"
CLOUD = "WORLD"
DEFAULT_MAX_ATTEMPT = 5
#: The request-creation form's default step priority in prodtask.
DEFAULT_PRIORITY = 880
DEFAULT_RELEASE = "24.0.20"

#: Step name -> production step of the names (prodtask's StepExecution step names).
PROD_STEPS = {
    "evgen": "evgen",
    "evgen merge": "merge",
    "simul": "simul",
    "atlfast": "simul",
    "merge": "merge",
    "atlf merge": "merge",
    "digi": "digit",
    "reco": "recon",
    "rec merge": "merge",
    "tag": "merge",
    "deriv": "deriv",
    "deriv merge": "merge",
}
#: Default transform and software cache per production step, when the step's config names none.
TRANSFORMS = {
    "evgen": ("Gen_tf.py", "AthGeneration"),
    "simul": ("Sim_tf.py", "AthSimulation"),
    "digit": ("Reco_tf.py", "Athena"),
    "recon": ("Reco_tf.py", "Athena"),
    "merge": ("Merge_tf.py", "Athena"),
    "deriv": ("Derivation_tf.py", "AthDerivation"),
}
#: Step `task_config` keys passed to JEDI as they are (the rest are DEFT-side settings).
JEDI_CONFIG_KEYS = (
    "nEventsPerJob",
    "nFilesPerJob",
    "nGBPerJob",
    "nMaxFilesPerJob",
    "nEventsPerInputFile",
    "nEventsPerMergeJob",
    "nFilesPerMergeJob",
    "nGBPerMergeJob",
    "nMaxFilesPerMergeJob",
    "maxAttempt",
    "maxFailure",
    "coreCount",
    "ramCount",
    "baseRamCount",
    "cpuTime",
    "workDiskCount",
    "maxWalltime",
    "ioIntensity",
    "architecture",
    "container_name",
    "site",
    "excludedSite",
    "nucleus",
    "gshare",
    "workQueueName",
    "skipScout",
    "noWaitParent",
    "inputPreStaging",
    "disableAutoFinish",
    "scoutSuccessRate",
)
_JIRA_KEY = re.compile(r"\b([A-Z][A-Z0-9]+-[0-9]+)\b")


class StepError(ValueError):
    """A step that cannot become a task; the message says what to fix."""


@dataclass(frozen=True)
class Origin:
    """Where a slice's chain starts: the name fields and AMI tags its tasks' names build on."""

    project: str
    number: str
    brief: str
    tags: tuple[str, ...]
    input_dataset: str


def slice_origin(project: str, piece) -> Origin:
    """The fields of a slice's first task name: from its DSID and brief, or its input dataset."""
    if not piece.input_dataset:
        return Origin(project, piece.dsid, piece.brief, (), "")
    parsed = nomenclature.parse(piece.input_dataset)
    return Origin(
        project,
        piece.dsid or parsed.number,
        piece.brief or parsed.physics_short,
        parsed.tags,
        parsed.container_name if parsed.is_container else str(parsed),
    )


def prod_step_of(step) -> str:
    """The production step (evgen, simul, recon...) a step's tasks carry in their names."""
    prod_step = step.task_config.get("prod_step") or PROD_STEPS.get(step.step_name.lower())
    if prod_step is None:
        known = ", ".join(sorted({s.title() for s in PROD_STEPS}))
        raise StepError(f"step name {step.step_name!r} is not a known step ({known})")
    return prod_step


def output_types(step) -> list[str]:
    types = [t for t in step.output_formats.split(".") if t]
    if not types:
        raise StepError("the step has no output format")
    return types


def campaign_of(request) -> str:
    """JEDI's campaign string, `campaign:subcampaign`."""
    if request.campaign is None:
        return ""
    if request.subcampaign is None:
        return request.campaign.name
    return f"{request.campaign.name}:{request.subcampaign.name}"


def ticket_of(request) -> str:
    """The JIRA key of the request's reference link, if it is a JIRA link."""
    found = _JIRA_KEY.search(request.reference_link or "")
    return found.group(1) if found else ""


def task_priority(request, piece, step) -> int:
    for value in (step.task_config.get("priority"), piece.priority, request.priority):
        if value:
            return int(value)
    return DEFAULT_PRIORITY


@dataclass(frozen=True)
class TaskInput:
    """What a task reads: its parent's output, the slice's input dataset, or nothing (evgen)."""

    dataset: str = ""
    parent_id: int | None = None


def jedi_parameters(
    context: dict, name: str, task_id: int, step, source: TaskInput, outputs: list[str]
) -> dict:
    """The JSON task parameters of one task; `context` holds the request-wide values."""
    config = step.task_config
    prod_step = name.split(".")[3]
    transform, cache = TRANSFORMS.get(prod_step, TRANSFORMS["recon"])
    release = str(config.get("release", DEFAULT_RELEASE))
    params = {
        "taskName": name,
        "userName": context["userName"],
        "vo": VO,
        "workingGroup": context["workingGroup"],
        "prodSourceLabel": PROD_SOURCE_LABEL,
        "taskType": TASK_TYPE,
        "processingType": config.get("processingType", prod_step),
        "campaign": context["campaign"],
        "reqID": context["reqID"],
        "taskPriority": context["taskPriority"],
        "transPath": config.get("transPath", transform),
        "transHome": config.get("transHome", f"{config.get('cache', cache)}-{release}"),
        "transUses": config.get("transUses", "Atlas-" + ".".join(release.split(".")[:2])),
        "cloud": config.get("cloud", CLOUD),
        "maxAttempt": DEFAULT_MAX_ATTEMPT,
        "log": _log_parameter(name, task_id),
        "jobParameters": _job_parameters(step, source, outputs),
    }
    if context["ticketID"]:
        params.update(ticketID=context["ticketID"], ticketSystemType="JIRA")
    if source.parent_id is not None:
        params["parent_tid"] = source.parent_id
    if source.dataset:
        params["inputDataset"] = source.dataset
    else:
        params["noInput"] = True
    if context["nEvents"]:
        params["nEvents"] = context["nEvents"]
    params.update({k: config[k] for k in JEDI_CONFIG_KEYS if k in config})
    params.update(_project_mode(config.get("project_mode", "")))
    return params


def _log_parameter(name: str, task_id: int) -> dict:
    dataset = nomenclature.output_dataset_name(name, "log", task_id)
    return {
        "type": "template",
        "param_type": "log",
        "dataset": dataset,
        "value": f"log.{task_id:08d}._${{SN}}.job.log.tgz",
    }


def _job_parameters(step, source: TaskInput, outputs: list[str]) -> list[dict]:
    params = []
    if source.dataset:
        in_type = source.dataset.split(".")[4] if source.dataset.count(".") >= 4 else "IN"
        params.append(
            {
                "type": "template",
                "param_type": "input",
                "dataset": source.dataset,
                "value": f"--input{in_type}File=${{IN}}",
            }
        )
    else:
        params.append(
            {"type": "template", "param_type": "number", "value": "--randomSeed=${RNDMSEED}"}
        )
    for dataset in outputs:
        data_type = dataset.split(".")[4]
        params.append(
            {
                "type": "template",
                "param_type": "output",
                "dataset": dataset,
                "value": f"--output{data_type}File={data_type}.${{SN}}.pool.root",
            }
        )
    params.append({"type": "constant", "value": f"--AMITag={step.ami_tag}"})
    params.append({"type": "template", "value": "--maxEvents=${MAXEVENTS}"})
    params.append({"type": "template", "value": "--skipEvents=${SKIPEVENTS}"})
    return params


def _project_mode(text: str) -> dict:
    """prodtask's `key=value;key=value` overrides, limited to the keys JEDI takes from config."""
    found = {}
    for item in filter(None, (part.strip() for part in text.split(";"))):
        key, _, value = item.partition("=")
        if key.strip() in JEDI_CONFIG_KEYS:
            value = value.strip()
            found[key.strip()] = int(value) if value.isdigit() else value
    return found
