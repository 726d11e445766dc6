-- Metrics and assessment (考核): docs/assessment-design.md.
-- Times are BIGINT microseconds UTC; dates INTEGER days; scores DOUBLE
-- PRECISION at full precision (rounded only for grades and display).

-- @both
-- Metric values computed in sets for all objects of a period. Recomputing a
-- period replaces its rows. value is NULL when not applicable (denominator 0).
CREATE TABLE metric_values (
  period TEXT NOT NULL,            -- 2026-11 | 2026Q3 | 2026
  metric_key TEXT NOT NULL,        -- asset.registration_rate, ...
  object_id BIGINT NOT NULL,       -- orgs.id (projects later: object_class says which)
  value DOUBLE PRECISION,
  numerator DOUBLE PRECISION,
  denominator DOUBLE PRECISION,
  computed_at BIGINT NOT NULL,
  PRIMARY KEY (period, metric_key, object_id)
);

-- The indicator library.
CREATE TABLE assess_indicators (
  code TEXT PRIMARY KEY,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  unit TEXT NOT NULL DEFAULT '',
  direction TEXT NOT NULL,         -- higher | lower
  indicator_type TEXT NOT NULL,    -- quantity | quality | timeliness | cost | economic | social | ecological | sustainability | satisfaction | management
  source TEXT NOT NULL,            -- metric | manual | survey | expert
  metric_key TEXT,                 -- source = metric
  method_json TEXT NOT NULL,       -- default scoring method and parameters
  description TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  updated_at BIGINT NOT NULL
);

-- Templates: code + version; the three-level tree is the JSON document of
-- docs/assessment-templates.md (validated on import/save).
CREATE TABLE assess_templates (
  id {{id}},
  code TEXT NOT NULL,
  version INTEGER NOT NULL,
  name_zh TEXT NOT NULL,
  name_en TEXT NOT NULL,
  object_class TEXT NOT NULL,      -- unit | department | soe | project
  status TEXT NOT NULL,            -- draft | published
  frozen INTEGER NOT NULL DEFAULT 0,  -- used by an assessment: never edited again
  doc_json TEXT NOT NULL,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  published_at BIGINT,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX assess_templates_code_version ON assess_templates(code, version);

-- One template version applied to one period over the objects under scope_org_id.
CREATE TABLE assess_assessments (
  id {{id}},
  period TEXT NOT NULL,
  period_kind TEXT NOT NULL,       -- month | quarter | year
  template_id BIGINT NOT NULL REFERENCES assess_templates(id),
  template_code TEXT NOT NULL,
  scope_org_id BIGINT NOT NULL REFERENCES orgs(id),
  scope_path TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,            -- open | review | published | final
  self_check_due BIGINT,           -- deadline of the self-check submission (UTC instant)
  appeal_until BIGINT,             -- end of the appeal window, set on publish
  computed_at BIGINT,
  published_at BIGINT,
  finalized_at BIGINT,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assess_assessments_period_template ON assess_assessments(period, template_code);

-- The objects of an assessment and their ranking group.
CREATE TABLE assess_objects (
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  object_id BIGINT NOT NULL,
  group_key TEXT NOT NULL,
  PRIMARY KEY (assessment_id, object_id)
);

-- Monthly self-check (自查) of one object: submitted with remarks; late is scored.
CREATE TABLE assess_submissions (
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  object_id BIGINT NOT NULL,
  status TEXT NOT NULL,            -- draft | submitted
  remarks TEXT,
  submitted_by BIGINT,
  submitted_at BIGINT,
  late INTEGER NOT NULL DEFAULT 0,
  draft_items TEXT,                -- JSON: the manual values of a draft, applied on submit
  draft_saved_by BIGINT,           -- the last draft save (kept after the submit)
  draft_saved_at BIGINT,
  PRIMARY KEY (assessment_id, object_id)
);

-- Manual values (and N/A declarations) with evidence; they count once accepted.
-- role: self (the unit) | supervisor (the supervising department); both kept.
CREATE TABLE assess_inputs (
  id {{id}},
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  object_id BIGINT NOT NULL,
  indicator_code TEXT NOT NULL,
  role TEXT NOT NULL,              -- self | supervisor
  value DOUBLE PRECISION,          -- NULL with not_applicable = 1
  not_applicable INTEGER NOT NULL DEFAULT 0,
  remark TEXT,
  status TEXT NOT NULL,            -- submitted | accepted | rejected
  submitted_by BIGINT,
  submitted_at BIGINT NOT NULL,
  reviewed_by BIGINT,
  reviewed_at BIGINT,
  review_reason TEXT,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assess_inputs_key ON assess_inputs(assessment_id, object_id, indicator_code, role);

-- Evidence files (inputs, appeals, rectification tasks).
CREATE TABLE assess_files (
  id {{id}},
  owner_kind TEXT NOT NULL,        -- input | appeal | task
  owner_id BIGINT NOT NULL,
  object_id BIGINT NOT NULL,
  file_name TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  data {{blob}} NOT NULL,
  uploaded_by BIGINT,
  uploaded_at BIGINT NOT NULL
);
CREATE INDEX assess_files_owner ON assess_files(owner_kind, owner_id);

-- Expert panels: which expert scores which object.
CREATE TABLE assess_experts (
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  expert_user_id BIGINT NOT NULL REFERENCES users(id),
  object_id BIGINT NOT NULL,
  assigned_by BIGINT,
  assigned_at BIGINT NOT NULL,
  PRIMARY KEY (assessment_id, expert_user_id, object_id)
);

-- One expert's share (0..1 of the points) for one qualitative indicator.
CREATE TABLE assess_expert_scores (
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  expert_user_id BIGINT NOT NULL,
  object_id BIGINT NOT NULL,
  indicator_code TEXT NOT NULL,
  share DOUBLE PRECISION NOT NULL,
  comment TEXT,
  scored_at BIGINT NOT NULL,
  PRIMARY KEY (assessment_id, expert_user_id, object_id, indicator_code)
);

-- 复核: an object contests an indicator's score.
CREATE TABLE assess_appeals (
  id {{id}},
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  object_id BIGINT NOT NULL,
  indicator_code TEXT NOT NULL,
  reason TEXT NOT NULL,
  requested_value DOUBLE PRECISION,
  status TEXT NOT NULL,            -- open | accepted | rejected
  filed_by BIGINT,
  filed_at BIGINT NOT NULL,
  decided_by BIGINT,
  decided_at BIGINT,
  decision_reason TEXT,
  decided_value DOUBLE PRECISION,
  score_before DOUBLE PRECISION,
  score_after DOUBLE PRECISION,
  rank_before INTEGER,
  rank_after INTEGER
);
CREATE INDEX assess_appeals_assessment ON assess_appeals(assessment_id, object_id);

-- A value fixed by a decision (an accepted appeal); it wins over every source.
CREATE TABLE assess_overrides (
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  object_id BIGINT NOT NULL,
  indicator_code TEXT NOT NULL,
  value DOUBLE PRECISION,
  not_applicable INTEGER NOT NULL DEFAULT 0,
  appeal_id BIGINT,
  set_by BIGINT,
  set_at BIGINT NOT NULL,
  PRIMARY KEY (assessment_id, object_id, indicator_code)
);

-- The result of a run: one row per object. scores_json holds every node's
-- score, applicable points, input value and its source (docs/assessment-design.md).
CREATE TABLE assess_results (
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  object_id BIGINT NOT NULL,
  group_key TEXT NOT NULL,
  total DOUBLE PRECISION NOT NULL,
  rounded DOUBLE PRECISION NOT NULL,
  grade TEXT NOT NULL,             -- excellent | good | fair | poor (优 良 中 差)
  colour TEXT NOT NULL,            -- red | yellow | blue
  vetoed INTEGER NOT NULL DEFAULT 0,
  rank_in_group INTEGER NOT NULL,
  group_size INTEGER NOT NULL,
  previous_total DOUBLE PRECISION,
  scores_json TEXT NOT NULL,
  computed_at BIGINT NOT NULL,
  PRIMARY KEY (assessment_id, object_id)
);

-- Consequences of a run (no reward, 挂牌督办, budget tilt, cut …): tracked actions.
CREATE TABLE assess_actions (
  id {{id}},
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  object_id BIGINT NOT NULL,
  rule_code TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail_json TEXT NOT NULL,       -- the facts that triggered the rule
  owner_org_id BIGINT NOT NULL,    -- who must act (the finance bureau, the supervisor …)
  status TEXT NOT NULL,            -- open | done | cancelled
  note TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX assess_actions_key ON assess_actions(assessment_id, object_id, rule_code);

-- 整改 rectification tasks: red colours, 差 grades, failed indicators.
CREATE TABLE assess_tasks (
  id {{id}},
  assessment_id BIGINT NOT NULL REFERENCES assess_assessments(id),
  object_id BIGINT NOT NULL,
  source TEXT NOT NULL,            -- colour | grade | indicator
  indicator_code TEXT NOT NULL DEFAULT '',
  title TEXT NOT NULL,
  due_on INTEGER NOT NULL,         -- date (days), Asia/Shanghai calendar
  status TEXT NOT NULL,            -- open | submitted | verified | rejected
  evidence_note TEXT,
  submitted_by BIGINT,
  submitted_at BIGINT,
  verified_by BIGINT,
  verified_at BIGINT,
  verify_note TEXT,
  reminded_at BIGINT,
  created_at BIGINT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX assess_tasks_key ON assess_tasks(assessment_id, object_id, source, indicator_code);
CREATE INDEX assess_tasks_object ON assess_tasks(object_id, status, due_on);

-- A published bulletin (季度通报 / 年度): the snapshot the public sees.
CREATE TABLE assess_bulletins (
  assessment_id BIGINT PRIMARY KEY REFERENCES assess_assessments(id),
  body_json TEXT NOT NULL,         -- ranking, colours, highlights, weak points
  published_by BIGINT,
  published_at BIGINT NOT NULL
);
