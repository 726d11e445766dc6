// SQL of the demo loader's bulk history path (demo_assets.cpp). Cards are
// registered through AssetService::RegisterMany; these statements then give
// each chunk its three years of history in the same transaction: the events
// (multi-row INSERTs of asset_events), the cards' values after them, the
// booking times of the register events, and the rollup deltas of the state
// changes, so asset_rollups stays equal to a GROUP BY over assets.
#pragma once

#include "db/database.h"

namespace minsheng::demo::sql {

// The ids of one RegisterMany chunk: its numbers are one contiguous range of
// one unit (a range of assets_org_number).
inline constexpr db::Sql kChunkIds{
    "demo.asset.chunk_ids",
    "SELECT id, number FROM assets WHERE org_id = $1 AND number >= $2 AND number <= $3"};

// The cards of a chunk with a history, after it: who holds them, where,
// their state, one version per event, the time of the last event, and their
// creation time (see kCardCreatedAt). demo_assets.cpp repeats the row
// (8 placeholders: id, department, custodian, manager, location, state,
// version, updated_at) kCardBatchRows times between head and tail. One
// statement per batch, and each card written once: on PostgreSQL every
// UPDATE writes a new row version into every index, the trigram GIN included.
inline constexpr int kCardColumns = 8;
inline constexpr int kCardBatchRows = 100;
inline constexpr const char* kCardHistoryHead =
    "WITH v(id, department_id, custodian_id, manager_id, location_id, state, version, updated_at) "
    "AS (VALUES ";
inline constexpr const char* kCardHistoryTypes[kCardColumns] = {"BIGINT", "BIGINT", "BIGINT", "BIGINT",
                                                                "BIGINT", "TEXT",   "BIGINT", "BIGINT"};
inline constexpr const char* kCardHistoryTail =
    ") UPDATE assets SET department_id = v.department_id, custodian_id = v.custodian_id, "
    "manager_id = v.manager_id, location_id = v.location_id, state = v.state, version = v.version, "
    "updated_at = v.updated_at, "
    "created_at = assets.booked_on * 86400000000 + 1800000000 + (assets.id * 7919 % 32400) * 1000000 "
    "FROM v WHERE assets.id = v.id";

// A card's creation time is its booking date, 08:30 Shanghai (00:30 UTC)
// plus a spread over the nine working hours taken from its id. This sets it
// on the chunk's cards without a history (still version 1); $1 org,
// $2 … $3 the chunk's ids.
inline constexpr db::Sql kCardCreatedAt{
    "demo.asset.created_at",
    "UPDATE assets SET created_at = booked_on * 86400000000 + 1800000000 + (id * 7919 % 32400) * 1000000, "
    "updated_at = booked_on * 86400000000 + 1800000000 + (id * 7919 % 32400) * 1000000 "
    "WHERE org_id = $1 AND id >= $2 AND id <= $3 AND version = 1"};
// The register event happened when the card was created.
inline constexpr db::Sql kRegisterEventAt{
    "demo.event.register_at",
    "UPDATE asset_events SET at = (SELECT a.created_at FROM assets a WHERE a.id = asset_events.asset_id) "
    "WHERE org_id = $1 AND event = 'register' AND asset_id >= $2 AND asset_id <= $3"};

// History events: demo_assets.cpp repeats the row of 12 placeholders
// kEventBatchRows times (the tail of a chunk goes one row at a time).
inline constexpr int kEventColumns = 12;
inline constexpr int kEventBatchRows = 100;
inline constexpr const char* kEventInsertHead =
    "INSERT INTO asset_events (org_id, asset_id, event, state_before, state_after, at, actor_user_id, "
    "actor_name, before_json, after_json, note, request_id) VALUES ";

// Rollup deltas of the state changes (the same bucket arithmetic as the
// asset module's: add, then drop a bucket whose count reached zero).
inline constexpr db::Sql kRollupAdd{
    "demo.rollup.add",
    "INSERT INTO asset_rollups (org_id, category_code, state, count, value) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (org_id, category_code, state) DO UPDATE SET count = asset_rollups.count + excluded.count, "
    "value = asset_rollups.value + excluded.value"};
inline constexpr db::Sql kRollupPrune{
    "demo.rollup.prune",
    "DELETE FROM asset_rollups WHERE org_id = $1 AND category_code = $2 AND state = $3 AND count = 0"};

// Staff belong to one of the unit's departments (ResolveOrCreate adds names only).
inline constexpr db::Sql kStaffDepartment{"demo.staff.department",
                                          "UPDATE staff SET department_id = $2 WHERE id = $1"};

}  // namespace minsheng::demo::sql
