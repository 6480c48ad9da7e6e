"""What requests are filed against: projects, campaigns, subcampaigns, request templates."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from deftweb.models.base import Timestamped, db, utcnow

campaign_projects = sa.Table(
    "campaign_projects",
    db.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("project_id", sa.ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
)


class Project(db.Model):
    """The first field of official dataset names, e.g. `mc16_13TeV`; also the Rucio scope."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    #: Centre-of-mass energy in GeV, None for valid/cos/calib projects.
    energy_gev: Mapped[int | None]
    description: Mapped[str] = mapped_column(sa.String(256), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_mc(self) -> bool:
        return self.name.startswith("mc")

    def __repr__(self) -> str:
        return f"<Project {self.name}>"


class Campaign(db.Model):
    """An AMI campaign, e.g. MC16, with its subcampaigns (MC16a...) and the projects it uses."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30), unique=True)
    description: Mapped[str] = mapped_column(sa.String(1000), default="")

    projects: Mapped[list[Project]] = relationship(secondary=campaign_projects)
    subcampaigns: Mapped[list["Subcampaign"]] = relationship(
        back_populates="campaign", order_by="Subcampaign.name"
    )


class Subcampaign(db.Model):
    __tablename__ = "subcampaigns"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(30))

    campaign: Mapped[Campaign] = relationship(back_populates="subcampaigns")


class RequestTemplate(Timestamped, db.Model):
    """One version of a working group's request template; an edit adds the next version."""

    __tablename__ = "request_templates"
    __table_args__ = (sa.UniqueConstraint("working_group_id", "name", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    working_group_id: Mapped[int] = mapped_column(
        sa.ForeignKey("working_groups.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    version: Mapped[int] = mapped_column(default=1)
    request_type: Mapped[str] = mapped_column(sa.String(16))
    description: Mapped[str] = mapped_column(sa.String(1000), default="")
    #: Form defaults: project, campaign, subcampaign, energy_gev, priority, provenance, cc, and
    #: `steps`: [{step_name, ami_tag, output_formats, task_config}] in chain order.
    defaults: Mapped[dict] = mapped_column(default=dict)
    #: active or retired; a retired template is no longer offered but old requests still name it.
    status: Mapped[str] = mapped_column(sa.String(16), default="active")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    working_group = relationship("WorkingGroup")
    created_by = relationship("User")
