package migrations

// Seller tools (issue 10): a product is published or a draft; it can be edited
// (updated_at) and deleted softly (deleted_at: the row stays for past orders,
// the product disappears from every page). Existing products are published,
// last changed when they were created.
//
// A partial index serves the newest-first list of published, live products
// (and search by newest), whose deep pages would otherwise step over every
// draft and deleted product before them. A store's page and the seller's
// dashboard read products_seller_newest_idx, filtering the few drafts and
// deleted products of one seller as they go: another partial index for them
// cost every products query's planning more than it saved (PostgreSQL proves
// each partial index's predicate against each query). It also serves the
// foreign key's cascade when an account is deleted.
//
// SQLite cannot add a NOT NULL column without a constant default: updated_at
// gets one that no row keeps (the UPDATE sets every existing row, and the app
// always writes the column).
func productStatus() Migration {
	return Migration{Name: "20261203200000", Comment: "product_status", Statements: map[string][]string{
		"pg": {
			`ALTER TABLE products
				ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'draft')),
				ADD COLUMN updated_at TIMESTAMPTZ,
				ADD COLUMN deleted_at TIMESTAMPTZ`,
			`UPDATE products SET updated_at = created_at`,
			`ALTER TABLE products ALTER COLUMN updated_at SET NOT NULL, ALTER COLUMN updated_at SET DEFAULT now()`,
			`CREATE INDEX products_public_newest_idx ON products (created_at DESC, id DESC)
				WHERE status = 'published' AND deleted_at IS NULL`,
		},
		"sqlite": {
			`ALTER TABLE products ADD COLUMN status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'draft'))`,
			`ALTER TABLE products ADD COLUMN updated_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00'`,
			`ALTER TABLE products ADD COLUMN deleted_at TIMESTAMP`,
			`UPDATE products SET updated_at = created_at`,
			`CREATE INDEX products_public_newest_idx ON products (created_at DESC, id DESC)
				WHERE status = 'published' AND deleted_at IS NULL`,
		},
	}}
}
