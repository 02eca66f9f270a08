"""Each real seed checklist: exact counts and spot checks of what the importer made of it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from warroom.model import Status

EXPECTED = {
    #       items done sections commands roles criteria phases
    "000": (120, 0, 13, 8, 4, 0, 0),
    "001": (112, 0, 47, 0, 1, 0, 0),  # no signer named: "Launch Director" added
    "002": (36, 0, 16, 2, 4, 10, 6),
    "003": (88, 51, 42, 3, 4, 6, 11),  # 51 [x] boxes; the 8 "✅" success bullets are conditions, not done items
    "004": (176, 0, 48, 3, 1, 0, 3),  # no signer named: "Launch Director" added
}
KEYS = ("items", "done", "sections", "commands", "roles", "criteria", "phases")


def _items(result):
    return {i.id.split("/", 1)[1]: i for i in result.checklist.walk_items()}


def _sections(result):
    return {s.id.split("/", 1)[1]: s for s in result.checklist.walk_sections()}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_seed_counts(seed, prefix):
    counts = seed(prefix).counts()
    assert tuple(counts[k] for k in KEYS) == EXPECTED[prefix]


def test_seed_000_mac_roman_and_nested_items(seed):
    r = seed("000")
    assert r.repair.codec == "mac-roman" and r.repair.repaired == 11
    assert r.checklist.title == "Analytics Platform Launch Checklist"
    secs = _sections(r)
    assert secs["pre-launch-validation-tasks/security-and-authentication"].title == "🔐 Security & Authentication"
    assert secs["pre-launch-validation-tasks/infrastructure-setup"].title == "🏗️ Infrastructure Setup"
    assert secs["pre-launch-validation-tasks/final-checks"].title == "✅ Final Checks"
    assert secs["pre-launch-validation-tasks/final-checks"].status_hint == ""  # a leading mark is decoration
    items = _items(r)
    leaf = items["pre-launch-validation-tasks/infrastructure-setup/r2-buckets/create-production-buckets/analytics-source-prod"]
    assert leaf.text == "`analytics-source-prod`" and leaf.depth == 2
    env = items["pre-launch-validation-tasks/infrastructure-setup/worker-configuration/set-production-environment-variables"]
    assert env.commands[0].language == "bash"
    assert env.commands[0].code.splitlines()[0] == "USE_ICEBERG=true"
    collector = items["pre-launch-validation-tasks/deployment-verification/event-collector"]
    assert collector.commands[0].code.startswith("cd pipeline/event-collector\nwrangler deploy --env production")
    sql = items["pre-launch-validation-tasks/iceberg-table-initialization/create-initial-tables"]
    assert sql.commands[0].language == "sql"
    step = items["pre-launch-validation-tasks/end-to-end-testing/event-flow-test/send-test-events-via-api"]
    assert step.text == "Send test events via API"  # "1. [ ]" items, numbering not in the text
    assert [x.name for x in r.roles] == ["Product Owner", "Tech Lead", "Security", "Operations"]
    assert r.t0 is None  # "**Launch Date**: ____" holds no date
    assert r.unplaced == []


def test_seed_001_sections_and_prose(seed):
    r = seed("001")
    assert r.repair.repaired == 0
    secs = _sections(r)
    base = secs["wrangler-configuration/base-configuration"]
    assert "```jsonc" in base.description and "Ensure your `wrangler.jsonc`" in base.description
    assert secs["scaling-considerations/connection-limits"].description.count("|") > 10  # a plain table is kept
    items = _items(r)
    nodejs = items["wrangler-configuration/checklist/nodejs-compat-flag-is-enabled-if-using-node-js"]
    assert nodejs.text == "**`nodejs_compat`** flag is enabled if using Node.js APIs"
    alerts = items["monitoring-and-alerting/checklist/alert-thresholds-defined-for"]
    assert [c.text for c in alerts.children][1] == "Error rate above threshold (e.g., > 1%)"
    assert "1. **Monitor for 24 hours**" in secs["next-steps"].description
    assert [x.name for x in r.roles] == ["Launch Director"] and r.added_director and r.phases == []


def test_seed_002_cp1252_lost_bytes_criteria_roles_phases(seed):
    r = seed("002")
    assert r.repair.codec == "cp1252" and r.repair.lost_bytes == 7
    assert r.checklist.title == "🚀 Final Launch Checklist - 378 Reconciliation Platform"
    assert "**Confidence Level:** HIGH 🟢" in r.checklist.description
    items = _items(r)
    cfur = items["launch-day-protocol/first-4-hours/hourly-cfur-checks-target-99-8"]
    assert cfur.text == "Hourly CFUR checks (target: ≥99.8%)"
    assert cfur.phase == "T+4h"
    assert items["launch-day-protocol/t-24-hours/final-code-review-complete"].phase == "T-1d"
    idx = items["critical-pre-launch-tasks/performance-must-complete/apply-database-indexes"]
    assert idx.critical and idx.commands[0].code.startswith("psql $PROD_DATABASE_URL < backend/migrations/")
    caching = items["critical-pre-launch-tasks/performance-must-complete/activate-caching-optional-but-recommended"]
    assert not caching.critical
    assert items["critical-pre-launch-tasks/security-must-complete/secrets-migration-to-aws-secrets-manager"].notes[0] == \
        "Move JWT_SECRET, DATABASE_URL, REDIS_URL to Secrets Manager"
    assert [x.name for x in r.roles] == ["CPO", "CTO", "DevOps Lead", "Security Lead"]
    go = {c.id: c for c in r.criteria}
    assert [(c.name, c.threshold, c.required) for c in r.criteria[:5]] == [
        ("CFUR", ">= 99.8%", True), ("API Latency P95", "< 500ms", True), ("Error Rate", "< 0.1%", True),
        ("Database CPU", "< 80%", True), ("Active Backups", "every 1h", True)]
    assert "⏳ Awaiting" in go["cfur"].description  # the lost 0x8F byte restored
    assert go["cfur-2"].required is False and go["user-satisfaction"].threshold == ">= 4.5/5"
    assert [(c.name, c.threshold) for c in r.rollback] == [("CFUR", "< 99.5%"), ("P95", "> 1s"), ("error rate", "> 1%")]
    assert [(p.label, p.name) for p in r.phases][:5] == [
        ("T-1d", "T-24 Hours"), ("T-1h", "T-1 Hour"), ("T-0", "Launch (T-0)"), ("T+4h", "First 4 Hours"),
        ("T+1d", "First 24 Hours")]
    assert r.t0 is None  # "Launch Date: TBD"


def test_seed_003_done_items_heading_status_t0(seed):
    r = seed("003")
    secs = _sections(r)
    code = secs["pre-launch-checklist/code-and-testing"]
    assert code.title == "1. Code & Testing" and code.status_hint == "done"
    items = _items(r)
    assert items["pre-launch-checklist/code-and-testing/unit-tests-passing-90-coverage"].status is Status.DONE
    day1 = secs["beta-launch-plan/week-1-soft-launch-days-1-2/day-1-monday-deploy-to-staging"]
    assert "- ✅ All health checks passing" in day1.description  # "**Success Criteria:** - ✅ ..." are conditions
    assert not any(i.text == "All health checks passing" for i in r.checklist.walk_items())
    assert any(line == 100 + 1 and "read as conditions or results, not done items" in text for line, text in r.explained)
    assert [(x.name, x.person, x.contact, x.required) for x in r.roles][0] == (
        "Engineering Lead", "", "engineering@llm-observatory.io", True)  # the Launch Team table; TBD is no person
    mig = items["launch-day-runbook/deployment-t-0/database-migration-10-00-10-15-am"]
    assert mig.commands[0].code == "# Run migrations on production\nsqlx migrate run"
    assert mig.phase == "T-0" and mig.due == timedelta(minutes=15)  # "(10:00-10:15 AM)" with T-0 at 10:00
    assert [c.text for c in mig.children] == ["Migrations completed successfully", "Continuous aggregates created", "Indexes verified"]
    assert r.t0 == datetime(2025, 11, 12, 15, 0, tzinfo=timezone.utc)  # 2025-11-12 + "Time: 10:00 AM EST" under T-0
    assert r.timezone == "America/New_York"
    marks = [p.mark for p in r.phases]
    assert marks == sorted(marks) and timedelta(days=7) in marks and timedelta(days=28) in marks
    assert [c.name for c in r.criteria] == ["Uptime", "P95 Latency", "Error Rate", "Beta Users Active", "Critical Bugs", "User Satisfaction"]
    assert all(not c.required for c in r.criteria)
    high = next(c for c in r.rollback if c.name == "High Latency")
    assert high.threshold == "> 5s" and high.for_ == timedelta(minutes=5)
    announce = secs["launch-day-runbook/post-launch-t-1-hour"].after  # the announcement follows the section's items
    assert "Subject: 🚀 Analytics API Beta is Live!" in announce and "❌" not in announce
    assert "❌ Critical bugs unresolved" in secs["success-criteria/go-no-go-decision"].description


def test_seed_004_legend_status_boxes(seed):
    r = seed("004")
    assert r.repair.repaired == 44
    items = _items(r)
    rtpm = items["pre-production-verification/current-deployments-to-verify/rtpm-api-on-fly-io-verify-endpoints-and"]
    assert rtpm.status is Status.IN_PROGRESS and len(rtpm.children) == 4  # [🟡] read through the legend
    auth = items["pre-production-verification/service-deployment-checklist/backend-services-priority-order/authentication-service"]
    assert auth.text == "**Authentication Service**" and auth.status is Status.TODO and len(auth.children) == 5
    mobile = items["pre-production-verification/service-deployment-checklist/frontend-deployments/mobile-applications"]
    assert mobile.notes == ["Optional or can be deferred (⚪ in the source)"]
    terraform = items["pre-production-verification/infrastructure-checklist/terraform-infrastructure/initialize-terraform-workspace"]
    assert terraform.commands[0].code.splitlines()[-1] == "terraform workspace new production"  # fence right after the item
    secs = _sections(r)
    assert secs["pre-production-verification/deployment-pipeline/ci-cd"].status_hint == "in-progress"
    assert secs["pre-production-verification/database-setup/postgresql"].title == "PostgreSQL"
    critical = [i for i in r.checklist.walk_items() if i.critical]
    assert len(critical) == 10 and all(i.section_id.endswith("critical-path-items") for i in critical)
    assert "- 🟢 Complete and verified" in secs["quick-status-overview"].description
    assert [(u.line, u.why) for u in r.unplaced] == [(n, "empty list entry") for n in (320, 323, 326, 329)]
    assert [p.label for p in r.phases] == ["T-4h", "T-0", "T+4h"]
