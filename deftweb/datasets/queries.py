"""Loading a registered dataset with what its page shows: its task, containers and contents."""

import sqlalchemy as sa

from deftweb.auth import policy
from deftweb.auth.access import get_allowed
from deftweb.datasets.nomenclature import DatasetName, NomenclatureError, parse
from deftweb.models import Dataset, User, db
from deftweb.models.datasets import container_contents

#: Datasets of a container shown on its page; the list page filters the rest.
CONTENTS_SHOWN = 500


def get_dataset(dataset_id: int, check=policy.can_view_dataset) -> Dataset:
    """The dataset (404 if there is none), if `check(current_user, dataset)` allows it (403)."""
    return get_allowed(Dataset, dataset_id, check, "dataset")


def registered_by(dataset: Dataset) -> str | None:
    """The username of whoever registered the dataset (None for datasets made by production)."""
    if dataset.created_by_id is None:
        return None
    return db.session.scalar(sa.select(User.username).where(User.id == dataset.created_by_id))


def contents_of(container_id: int) -> tuple[list[Dataset], int]:
    """The first CONTENTS_SHOWN datasets of a container by name, and how many it holds."""
    inside = sa.select(container_contents.c.dataset_id).where(
        container_contents.c.container_id == container_id
    )
    query = sa.select(Dataset).where(Dataset.id.in_(inside)).order_by(Dataset.name)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(inside.subquery()))
    return list(db.session.scalars(query.limit(CONTENTS_SHOWN))), count


def parsed_name(dataset: Dataset) -> DatasetName | None:
    """The dataset's name split into fields; None for a name registered before today's rules."""
    try:
        return parse(dataset.name)
    except NomenclatureError:
        return None
