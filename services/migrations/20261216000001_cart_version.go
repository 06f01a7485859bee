package migrations

// carts.version names the state of a cart's lines, for the rendered cart page
// the handlers cache per (cart, cart version, catalogue version). Triggers move
// it in the transaction of every change of cart_items, whatever statement makes
// it (add, quantity, remove, merge at login, checkout emptying or restoring the
// cart, a product deleted for good), so no code path can forget it.
//
// It moves by 1 plus a random step: a counter alone repeats after a database
// restore (or a failover to a replica that lagged), and a cache would serve the
// lines of another state of the cart under it. A new cart has version 0 and no
// lines, whatever its id.
//
// On PostgreSQL the triggers are per statement (transition tables): a statement
// takes its lines' row locks before the cart row's, as every cart write does, so
// a checkout emptying a cart and an add to it cannot deadlock. SQLite has one
// writer and per-row triggers.
func cartVersion() Migration {
	pgBump := func(table string) string {
		return `UPDATE carts SET version = version + 1 + floor(random() * 1000000)::bigint
			WHERE id IN (SELECT DISTINCT cart_id FROM ` + table + `)`
	}
	sqliteBump := func(row string) string {
		return `UPDATE carts SET version = version + 1 + abs(random() % 1000000) WHERE id = ` + row + `.cart_id;`
	}
	return Migration{Name: "20261216000001", Comment: "cart_version", Statements: map[string][]string{
		"pg": {
			`ALTER TABLE carts ADD COLUMN version BIGINT NOT NULL DEFAULT 0`,
			`CREATE FUNCTION cart_items_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN ` + pgBump("new_rows") + `; RETURN NULL; END $$`,
			`CREATE FUNCTION cart_items_updated() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN UPDATE carts SET version = version + 1 + floor(random() * 1000000)::bigint
				WHERE id IN (SELECT cart_id FROM new_rows UNION SELECT cart_id FROM old_rows); RETURN NULL; END $$`,
			`CREATE FUNCTION cart_items_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN ` + pgBump("old_rows") + `; RETURN NULL; END $$`,
			`CREATE TRIGGER cart_items_version_insert AFTER INSERT ON cart_items
				REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cart_items_inserted()`,
			`CREATE TRIGGER cart_items_version_update AFTER UPDATE ON cart_items
				REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cart_items_updated()`,
			`CREATE TRIGGER cart_items_version_delete AFTER DELETE ON cart_items
				REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION cart_items_deleted()`,
		},
		"sqlite": {
			`ALTER TABLE carts ADD COLUMN version INTEGER NOT NULL DEFAULT 0`,
			`CREATE TRIGGER cart_items_version_insert AFTER INSERT ON cart_items BEGIN ` + sqliteBump("NEW") + ` END`,
			`CREATE TRIGGER cart_items_version_update AFTER UPDATE ON cart_items BEGIN ` + sqliteBump("OLD") + ` ` +
				sqliteBump("NEW") + ` END`,
			`CREATE TRIGGER cart_items_version_delete AFTER DELETE ON cart_items BEGIN ` + sqliteBump("OLD") + ` END`,
		},
	}}
}
