package services

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// The cart's two hot paths on PostgreSQL, each one prepared statement
// (queryPreparedPG): the cart page's lines, and an add to a cart that exists.
// Before, an add was a transaction of six statements (BEGIN, the product, the
// cart row, its id, the line, the upsert, COMMIT) and each was parsed and
// planned on every call: most of the database's time per request.

// preparedDB is the database when the service is not in a transaction and runs
// on PostgreSQL, else nil (the portable path).
func (c *Carts) preparedDB() *bun.DB {
	db, ok := c.db.(*bun.DB)
	if !ok || db.Dialect().Name() != dialect.PG {
		return nil
	}
	return db
}

// cartRowsQuery selects the owner's cart lines with their products as they are
// now, in the order they were added (the columns of cartRow).
func cartRowsQuery(cond string, arg any) sqlQuery {
	return sqlQuery{sql: `SELECT ci.product_id, ci.quantity, ci.added_price_cents, ci.added_at,
			p.name, p.price_cents, p.stock, p.seller_id, ` + productFactsSQL("p") + `
		FROM cart_items ci JOIN carts c ON c.id = ci.cart_id JOIN products p ON p.id = ci.product_id
		WHERE ` + cond + ` ORDER BY ci.added_at, ci.product_id`, args: []any{arg}}
}

// cartRowsPG runs cartRowsQuery prepared, scanning the cover's variants as text
// (as the dashboard does: pgx's sql.Scanner path costs more than the parse).
func cartRowsPG(ctx context.Context, db *bun.DB, q sqlQuery) ([]cartRow, error) {
	rows := make([]cartRow, 0, 8)
	err := queryPreparedPG(ctx, db, q, func(r pgx.Rows) error {
		var row cartRow
		var onSale int
		var variants string
		err := r.Scan(&row.ProductID, &row.Quantity, &row.AddedPriceCents, &row.AddedAt,
			&row.Name, &row.PriceCents, &row.Stock, &row.SellerID, &onSale, &row.StoreName,
			&row.Cover.Alt, &row.Cover.Width, &row.Cover.Height, &variants)
		if err == nil {
			err = row.Cover.Variants.Scan(variants)
		}
		row.OnSale = onSale == 1
		row.AddedAt = row.AddedAt.UTC()
		rows = append(rows, row)
		return err
	})
	return rows, err
}

// addOutcome is what the one-statement add found and did.
type addOutcome struct {
	found    bool // the product exists
	sellerID int64
	onSale   bool
	stock    *int64
	hasCart  bool
	have     int  // the line's quantity before
	line     *int // the line's quantity after, if it was written
	others   int  // items in the cart's other lines (0 when the add asked for no count)
}

// addItemQuery is the one-statement add to an existing cart: it reads the
// product, the cart and the line, and upserts the line (99 cap in the
// statement) only when the product may be bought and its stock covers the new
// quantity; the caller turns what it found (addOutcome.scan) into the same
// errors as the transactional path. Its checks see the same snapshot as the
// transaction's reads did (READ COMMITTED), so it is no less safe: stock is
// taken only at checkout. Run alone (addItemPG) or with other adds in one
// transaction (addItemsPG).
func addItemQuery(add cartAdd) (sqlQuery, error) {
	cond, arg, err := ownerCondition(add.owner)
	if err != nil {
		return sqlQuery{}, err
	}
	statements := addItemSQLForGuest
	if add.owner.UserID > 0 {
		statements = addItemSQLForUser
	}
	if statements.cond != cond {
		return sqlQuery{}, fmt.Errorf("carts: no add statement for the condition %q", cond)
	}
	args := []any{add.productID, arg, add.productID, add.qty, add.now, add.owner.UserID, add.qty, add.productID}
	if !add.count {
		return sqlQuery{sql: statements.withoutCount, numbered: true, args: args[:7]}, nil
	}
	return sqlQuery{sql: statements.withCount, numbered: true, args: args}, nil
}

// addItemSQLForUser and addItemSQLForGuest are addItemQuery's statements for
// a user's cart and a guest's, written out and numbered once: building the
// text on every add was 6 % of the app's CPU per add.
var (
	addItemSQLForUser  = newAddItemSQL("c.user_id = ?")
	addItemSQLForGuest = newAddItemSQL("c.guest_token_hash = ?")
)

// addItemSQL is the add statement for carts chosen by cond (ownerCondition's),
// with $1-$7 for the product, the owner, the product, qty, now, the user and
// qty. withCount also counts the cart's other lines ($8: the product), for
// callers that show the count: the sum is about a quarter of the statement's
// time in PostgreSQL, so an add answered by a redirect does without it.
type addItemSQL struct {
	cond         string
	withCount    string
	withoutCount string
}

func newAddItemSQL(cond string) addItemSQL {
	statement := func(otherLines string, params int) string {
		q := sqlQuery{args: make([]any, params)}
		q.add(`WITH p AS (SELECT p.id, p.seller_id, p.price_cents, p.stock, (` + onSaleSQL("p") + `) AS on_sale
			FROM products p WHERE p.id = ?), `)
		q.add(`c AS (SELECT c.id FROM carts c WHERE ` + cond + `), `)
		q.add(`have AS (SELECT ci.quantity FROM cart_items ci JOIN c ON ci.cart_id = c.id WHERE ci.product_id = ?), `)
		q.add(`ins AS (INSERT INTO cart_items (cart_id, product_id, quantity, added_price_cents, added_at)
			SELECT c.id, p.id, ?::int, p.price_cents, ?::timestamptz FROM p, c `)
		q.add(`WHERE p.on_sale AND p.seller_id <> ? `)
		q.add(`AND (p.stock IS NULL OR p.stock >= LEAST(COALESCE((SELECT quantity FROM have), 0) + ?::int, ` + maxQuantitySQL() + `))
			` + addQuantitiesSQL() + `, added_price_cents = excluded.added_price_cents RETURNING quantity) `)
		q.add(`SELECT p.seller_id, p.on_sale, p.stock, EXISTS (SELECT 1 FROM c), COALESCE((SELECT quantity FROM have), 0),
			(SELECT quantity FROM ins),
			` + otherLines + `
		FROM p`)
		text, err := numberedPlaceholders(q)
		if err != nil {
			panic("carts: add statement: " + err.Error())
		}
		return text
	}
	return addItemSQL{cond: cond,
		withCount:    statement(`(SELECT COALESCE(SUM(ci.quantity), 0) FROM cart_items ci JOIN c ON ci.cart_id = c.id WHERE ci.product_id <> ?)`, 8),
		withoutCount: statement(`0`, 7),
	}
}

// scan reads addItemQuery's row: there is one when the product exists.
func (o *addOutcome) scan(r pgx.Rows) error {
	o.found = true
	return r.Scan(&o.sellerID, &o.onSale, &o.stock, &o.hasCart, &o.have, &o.line, &o.others)
}

// addItemPG runs one add on its own: its own statement, its own commit.
func addItemPG(ctx context.Context, db *bun.DB, add cartAdd) (addOutcome, error) {
	q, err := addItemQuery(add)
	if err != nil {
		return addOutcome{}, err
	}
	var o addOutcome
	err = queryPreparedPG(ctx, db, q, o.scan)
	return o, err
}
