-- The asset register: categories, the unit's own directories (departments,
-- staff, locations), asset cards, their event history, and rollups.
-- Dates are INTEGER days since 1970-01-01; money is BIGINT fen.

-- @both
-- Depreciation classes of 政府会计准则第3号 应用指南 表1 (minimum years).
CREATE TABLE depreciation_classes (
  code TEXT PRIMARY KEY,           -- computer, office, vehicle, building_concrete, ...
  name TEXT NOT NULL,
  min_years INTEGER NOT NULL,      -- 0 with depreciable = 0: not depreciated
  max_years INTEGER,               -- upper end of a range (10-15), if any
  depreciable INTEGER NOT NULL
);

-- GB/T 14885-2022 categories (A + 8 digits). Shipped rows are replaceable by
-- the official table (minsheng categories import FILE).
CREATE TABLE categories (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  parent_code TEXT,
  level INTEGER NOT NULL,          -- 1 门类 … 4 小类
  is_leaf INTEGER NOT NULL,
  depreciation_class TEXT REFERENCES depreciation_classes(code),
  card_group TEXT NOT NULL,        -- building | vehicle | land | equipment | furniture | cultural | books | plants | materials
  source TEXT NOT NULL             -- shipped | official
);
CREATE INDEX categories_parent ON categories(parent_code);

-- Legacy GB/T 14885-2010 7-digit codes → 2022 codes.
CREATE TABLE category_legacy (
  legacy_code TEXT PRIMARY KEY,
  code TEXT NOT NULL REFERENCES categories(code)
);

-- 单位内部科室, staff (custodians and managers need no login), locations.
CREATE TABLE unit_departments (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX unit_departments_name ON unit_departments(org_id, name);

CREATE TABLE staff (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,
  department_id BIGINT REFERENCES unit_departments(id),
  phone TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX staff_name ON staff(org_id, name);

CREATE TABLE locations (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  name TEXT NOT NULL,              -- building / floor / room, e.g. 教学楼/3层/302
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  active INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX locations_name ON locations(org_id, name);

-- Asset numbers: unit code + year + serial; the next serial per unit and year.
CREATE TABLE asset_serials (
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  year INTEGER NOT NULL,
  next_serial BIGINT NOT NULL,
  PRIMARY KEY (org_id, year)
);

CREATE TABLE assets (
  id {{id}},
  org_id BIGINT NOT NULL REFERENCES orgs(id),
  number TEXT NOT NULL,            -- 资产编号, immutable
  name TEXT NOT NULL,
  category_code TEXT NOT NULL REFERENCES categories(code),
  subject_code TEXT NOT NULL,      -- 单位会计科目, e.g. 1601
  acquisition_method TEXT NOT NULL,
  funding_source TEXT NOT NULL,
  acquired_on INTEGER NOT NULL,
  booked_on INTEGER NOT NULL,
  original_value BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  unit_of_measure TEXT NOT NULL,
  usage_direction TEXT,
  department_id BIGINT REFERENCES unit_departments(id),
  custodian_id BIGINT REFERENCES staff(id),
  manager_id BIGINT REFERENCES staff(id),
  location_id BIGINT NOT NULL REFERENCES locations(id),
  latitude DOUBLE PRECISION,
  longitude DOUBLE PRECISION,
  model TEXT,
  spec TEXT,
  brand TEXT,
  serial_no TEXT,
  depreciation_method TEXT NOT NULL,
  life_months INTEGER NOT NULL,
  certificate_no TEXT,
  project_ref TEXT,
  ext_json TEXT,                   -- typed extension fields of the card group
  value_status TEXT NOT NULL DEFAULT 'settled',  -- settled | provisional (暂估)
  state TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX assets_number ON assets(number);
CREATE INDEX assets_org_state ON assets(org_id, state, id);
CREATE INDEX assets_org_category ON assets(org_id, category_code, id);
CREATE INDEX assets_org_acquired ON assets(org_id, acquired_on);
CREATE INDEX assets_org_value ON assets(org_id, original_value);
CREATE INDEX assets_custodian ON assets(custodian_id);
CREATE INDEX assets_location ON assets(location_id);

-- One row per life-cycle event (DOMAIN.md, Events), written with the change.
CREATE TABLE asset_events (
  id {{id}},
  org_id BIGINT NOT NULL,
  asset_id BIGINT NOT NULL REFERENCES assets(id),
  event TEXT NOT NULL,
  state_before TEXT,
  state_after TEXT NOT NULL,
  at BIGINT NOT NULL,
  actor_user_id BIGINT,
  actor_name TEXT NOT NULL,
  before_json TEXT,
  after_json TEXT,
  note TEXT,
  request_id TEXT
);
CREATE INDEX asset_events_asset ON asset_events(asset_id, at);

-- Count and original value by org × category × state, kept current in the
-- same transaction as every write; dashboards read only this.
CREATE TABLE asset_rollups (
  org_id BIGINT NOT NULL,
  category_code TEXT NOT NULL,
  state TEXT NOT NULL,
  count BIGINT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (org_id, category_code, state)
);
