package services

import (
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/storefront/storefront/models"
)

// Carts keeps shopping carts in the database: one per signed-in user, and one
// per guest, found by the SHA-256 of the random token the guest's session keeps
// (Session.CartToken). Being rows, carts survive restarts, are the same on
// every instance, and follow a user to any browser.
type Carts struct {
	db  bun.IDB // the database, or the caller's transaction (WithTx)
	cfg CartsConfig
	// userCounts answers ItemCount for signed-in users, whose every page shows
	// the count in the nav: concurrent requests share one query (batchedLookups).
	userCounts *batchedLookups[int64, int]
	// adds writes concurrent adds on PostgreSQL as one transaction each group
	// (cartaddbatch.go); nil on SQLite, whose adds take the transaction.
	adds *batchedLookups[cartAdd, cartAddResult]
}

// CartsConfig configures Carts.
type CartsConfig struct {
	// GuestCartTTL is how long a guest cart is kept after it was made: make it
	// at least SESSION_MAX_LIFETIME, as no guest session, and so no way to reach
	// the cart, lasts longer. 0: DefaultGuestCartTTL.
	GuestCartTTL time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// DefaultGuestCartTTL keeps guest carts a day.
const DefaultGuestCartTTL = 24 * time.Hour

// guestCartPruneBatch bounds the old guest carts one new guest cart removes, so
// pruning costs every new guest cart a little rather than some of them a lot.
const guestCartPruneBatch = 50

// Cart errors a handler shows next to the cart or the product.
var (
	ErrCartQuantity    = models.Invalid(map[string]string{"quantity": "Choose a quantity from 1 to 99."})
	ErrOwnProduct      = models.Errorf(models.EINVALID, "You cannot buy your own product.")
	ErrNotOnSale       = models.Conflict("This product is no longer available.")
	ErrNotInCart       = models.Errorf(models.ENOTFOUND, "That product is not in your cart.")
	errNoCartOwner     = errors.New("carts: the cart owner needs a user id or a valid guest token")
	errGuestCartMerger = errors.New("carts: merging needs a valid guest token and a user id")
)

// SoldOutMessage and OnlyLeftMessage are how a shortage is said everywhere.
const SoldOutMessage = "Sold out"

// OnlyLeftMessage says how many are left, n > 0.
func OnlyLeftMessage(n int64) string { return fmt.Sprintf("Only %d left", n) }

// stockConflict is the ECONFLICT for wanting more than the stock left.
func stockConflict(left int64) error {
	if left <= 0 {
		return models.Conflict(SoldOutMessage + ".")
	}
	return models.Conflict(OnlyLeftMessage(left) + ".")
}

// NewCarts returns the cart service.
func NewCarts(db *bun.DB, cfg CartsConfig) *Carts {
	if cfg.GuestCartTTL <= 0 {
		cfg.GuestCartTTL = DefaultGuestCartTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	c := &Carts{db: db, cfg: cfg}
	c.userCounts = &batchedLookups[int64, int]{fetch: func(ctx context.Context, ids []int64) ([]int, error) {
		return itemCountsOfUsers(ctx, db, ids)
	}}
	// db is nil for a Carts made only to work inside a caller's transaction
	// (WithTx or Checkout.abandon): it never writes adds in groups.
	if db != nil && db.Dialect().Name() == dialect.PG {
		c.adds = &batchedLookups[cartAdd, cartAddResult]{fetch: func(ctx context.Context, adds []cartAdd) ([]cartAddResult, error) {
			return addItemsPG(ctx, db, adds)
		}}
	}
	return c
}

// itemCountsOfUsers counts the items in each user's cart with one query.
func itemCountsOfUsers(ctx context.Context, db bun.IDB, ids []int64) ([]int, error) {
	unique := slices.Compact(slices.Sorted(slices.Values(ids)))
	var rows []struct {
		UserID int64 `bun:"user_id"`
		N      int   `bun:"n"`
	}
	err := db.NewRaw(`SELECT c.user_id, SUM(ci.quantity) AS n FROM carts c JOIN cart_items ci ON ci.cart_id = c.id
		WHERE c.user_id IN (?) GROUP BY c.user_id`, bun.In(unique)).Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	counts := make(map[int64]int, len(rows))
	for _, r := range rows {
		counts[r.UserID] = r.N
	}
	out := make([]int, len(ids))
	for i, id := range ids {
		out[i] = counts[id]
	}
	return out, nil
}

// WithTx returns the service working inside tx (see InTx).
func (c *Carts) WithTx(tx bun.Tx) *Carts {
	inTx := *c
	inTx.db = tx
	return &inTx
}

func (c *Carts) now() time.Time { return c.cfg.Now().UTC().Truncate(time.Microsecond) }

// ownerCondition is the WHERE condition on carts (alias c) that picks the
// owner's cart, with its argument.
func ownerCondition(owner models.CartOwner) (string, any, error) {
	switch {
	case owner.UserID > 0 && owner.GuestToken == "":
		return "c.user_id = ?", owner.UserID, nil
	case owner.UserID == 0 && ValidToken(owner.GuestToken):
		return "c.guest_token_hash = ?", hashToken(owner.GuestToken), nil
	}
	return "", nil, errNoCartOwner
}

// checkQuantity accepts 1 to 99.
func checkQuantity(qty int) error {
	if qty < 1 || qty > models.CartMaxQuantity {
		return ErrCartQuantity
	}
	return nil
}

// buyableProduct is what adding to a cart needs to know of a product.
type buyableProduct struct {
	ID         int64  `bun:"id"`
	SellerID   int64  `bun:"seller_id"`
	PriceCents int64  `bun:"price_cents"`
	Stock      *int64 `bun:"stock"`
	OnSale     bool   `bun:"on_sale"`
}

func loadBuyableProduct(ctx context.Context, db bun.IDB, id int64) (*buyableProduct, error) {
	p := new(buyableProduct)
	err := db.NewRaw("SELECT p.id, p.seller_id, p.price_cents, p.stock, "+onSaleColumnSQL("p")+" FROM products p WHERE p.id = ?", id).Scan(ctx, p)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errProductNotFound
	}
	return p, err
}

// AddItem puts qty (1 to 99) of a product in the owner's cart, or adds qty to
// the line already there, capped at 99. It refuses a seller's own product
// (ErrOwnProduct, EINVALID), a product that is not on sale (ErrNotOnSale,
// ECONFLICT), one that is sold out or has fewer left than the line would hold
// ("Sold out." / "Only N left.", ECONFLICT) and an unknown product (ENOTFOUND).
// A guest's cart is made on its first item.
func (c *Carts) AddItem(ctx context.Context, owner models.CartOwner, productID int64, qty int) error {
	_, err := c.add(ctx, owner, productID, qty, false)
	return err
}

// Add is AddItem that also returns the number of items in the cart after the
// add (the nav's count), read in the same statement or transaction.
func (c *Carts) Add(ctx context.Context, owner models.CartOwner, productID int64, qty int) (int, error) {
	return c.add(ctx, owner, productID, qty, true)
}

// add is AddItem, and Add when count is set.
func (c *Carts) add(ctx context.Context, owner models.CartOwner, productID int64, qty int, count bool) (int, error) {
	if err := checkQuantity(qty); err != nil {
		return 0, err
	}
	if _, _, err := ownerCondition(owner); err != nil {
		return 0, err
	}
	if c.adds != nil && c.preparedDB() != nil {
		// Written with the adds that wait alongside it, in one transaction. A
		// caller whose ctx ends first gets ctx.Err(), though its add may still
		// be committed with its group (as a request cut off after sending its
		// statement).
		r, err := c.adds.get(ctx, cartAdd{owner: owner, productID: productID, qty: qty, now: c.now(), count: count})
		if err != nil {
			return 0, dbError("carts: add item", err)
		}
		if count, done, err := addedInGroup(owner, productID, qty, r); done {
			return count, err
		}
	}
	return c.addInTx(ctx, owner, productID, qty, count)
}

// addedInGroup turns an add's result in its group into Add's answer: the
// cart's item count after it, or why it was refused. done is false when the
// product may be bought yet the line was not written: the owner has no cart
// yet (a first add), or the stock changed between the statement's reads; the
// transaction (addInTx) then decides.
func addedInGroup(owner models.CartOwner, productID int64, qty int, r cartAddResult) (count int, done bool, err error) {
	if r.err != nil {
		return 0, true, dbError("carts: add item", r.err)
	}
	o := r.outcome
	if !o.found {
		return 0, true, errProductNotFound
	}
	p := &buyableProduct{ID: productID, SellerID: o.sellerID, Stock: o.stock, OnSale: o.onSale}
	if err := p.refusal(owner, o.have, qty); err != nil {
		return 0, true, err
	}
	if o.line != nil {
		return o.others + *o.line, true, nil
	}
	return 0, false, nil
}

// addInTx is Add as a transaction of several statements: the portable path,
// and a first add on PostgreSQL (it makes the cart).
func (c *Carts) addInTx(ctx context.Context, owner models.CartOwner, productID int64, qty int, count bool) (int, error) {
	var items int
	err := InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		p, err := loadBuyableProduct(ctx, tx, productID)
		if err != nil {
			return err
		}
		if err := p.refusal(owner, 0, 1); err != nil {
			return err
		}
		cartID, err := c.ensureCart(ctx, tx, owner)
		if err != nil {
			return err
		}
		var have int
		err = tx.NewRaw("SELECT quantity FROM cart_items WHERE cart_id = ? AND product_id = ?", cartID, productID).Scan(ctx, &have)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := p.refusal(owner, have, qty); err != nil {
			return err
		}
		// The price the buyer saw is now the current one.
		_, err = tx.NewRaw(`INSERT INTO cart_items (cart_id, product_id, quantity, added_price_cents, added_at)
			VALUES (?, ?, ?, ?, ?) `+addQuantitiesSQL()+`, added_price_cents = excluded.added_price_cents`,
			cartID, productID, qty, p.PriceCents, c.now()).Exec(ctx)
		if err != nil || !count {
			return err
		}
		return tx.NewRaw("SELECT COALESCE(SUM(quantity), 0) FROM cart_items WHERE cart_id = ?", cartID).Scan(ctx, &items)
	})
	return items, dbError("carts: add item", err)
}

// refusal says why the owner cannot add qty of the product to a line holding
// have, or nil: the seller's own product, not on sale, or too few left.
func (p *buyableProduct) refusal(owner models.CartOwner, have, qty int) error {
	switch {
	case owner.UserID != 0 && p.SellerID == owner.UserID:
		return ErrOwnProduct
	case !p.OnSale:
		return ErrNotOnSale
	}
	if want := min(have+qty, models.CartMaxQuantity); p.Stock != nil && int64(want) > *p.Stock {
		return stockConflict(*p.Stock)
	}
	return nil
}

// maxQuantitySQL is the 99 cap as an SQL literal.
func maxQuantitySQL() string { return strconv.Itoa(models.CartMaxQuantity) }

// addQuantitiesSQL ends an INSERT INTO cart_items: a product already in the
// cart gets the quantities added, capped at 99 in the statement itself, so the
// cap holds whatever another request added meanwhile.
func addQuantitiesSQL() string {
	max := maxQuantitySQL()
	return `ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = CASE WHEN cart_items.quantity + excluded.quantity > ` +
		max + ` THEN ` + max + ` ELSE cart_items.quantity + excluded.quantity END`
}

// ensureCart returns the id of the owner's cart, making it if there is none.
// A new guest cart also prunes guest carts older than GuestCartTTL.
func (c *Carts) ensureCart(ctx context.Context, tx bun.Tx, owner models.CartOwner) (int64, error) {
	column, value := "user_id", any(owner.UserID)
	if owner.UserID == 0 {
		column, value = "guest_token_hash", hashToken(owner.GuestToken)
	}
	res, err := tx.NewRaw("INSERT INTO carts (?, created_at) VALUES (?, ?) ON CONFLICT (?) DO NOTHING",
		bun.Ident(column), value, c.now(), bun.Ident(column)).Exec(ctx)
	if err != nil {
		if isForeignKeyViolation(err) {
			return 0, ErrUserGone
		}
		return 0, err
	}
	if n, _ := res.RowsAffected(); n == 1 && owner.UserID == 0 {
		if err := c.pruneGuestCarts(ctx, tx); err != nil {
			return 0, err
		}
	}
	var id int64
	err = tx.NewRaw("SELECT id FROM carts WHERE ? = ?", bun.Ident(column), value).Scan(ctx, &id)
	return id, err
}

// pruneGuestCarts removes a batch of guest carts that no session can reach any more.
func (c *Carts) pruneGuestCarts(ctx context.Context, tx bun.Tx) error {
	_, err := tx.NewRaw(`DELETE FROM carts WHERE id IN (
		SELECT id FROM carts WHERE user_id IS NULL AND created_at < ? ORDER BY created_at LIMIT ?)`,
		c.now().Add(-c.cfg.GuestCartTTL), guestCartPruneBatch).Exec(ctx)
	return err
}

// SetQuantity sets a line's quantity (1 to 99; 0 removes the line). A product
// not in the cart is ErrNotInCart (ENOTFOUND); more than the stock left is
// ECONFLICT ("Only N left.").
func (c *Carts) SetQuantity(ctx context.Context, owner models.CartOwner, productID int64, qty int) error {
	if qty == 0 {
		return c.RemoveItem(ctx, owner, productID)
	}
	if err := checkQuantity(qty); err != nil {
		return err
	}
	cond, arg, err := ownerCondition(owner)
	if err != nil {
		return err
	}
	err = InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		var stock sql.NullInt64
		err := tx.NewRaw("SELECT p.stock FROM cart_items ci JOIN carts c ON c.id = ci.cart_id JOIN products p ON p.id = ci.product_id"+
			" WHERE "+cond+" AND ci.product_id = ?", arg, productID).Scan(ctx, &stock)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotInCart
		}
		if err != nil {
			return err
		}
		if stock.Valid && int64(qty) > stock.Int64 {
			return stockConflict(stock.Int64)
		}
		_, err = tx.NewRaw("UPDATE cart_items SET quantity = ? WHERE product_id = ? AND cart_id = (SELECT c.id FROM carts c WHERE "+cond+")",
			qty, productID, arg).Exec(ctx)
		return err
	})
	return dbError("carts: set quantity", err)
}

// RemoveItem takes a product out of the cart; one that is not there is no error.
func (c *Carts) RemoveItem(ctx context.Context, owner models.CartOwner, productID int64) error {
	cond, arg, err := ownerCondition(owner)
	if err != nil {
		return err
	}
	_, err = c.db.NewRaw("DELETE FROM cart_items WHERE product_id = ? AND cart_id = (SELECT c.id FROM carts c WHERE "+cond+")",
		productID, arg).Exec(ctx)
	return dbError("carts: remove item", err)
}

// CartVersion names one state of a cart's lines: the cart's id and a
// fingerprint of its lines (each line's product, quantity and price when added,
// in the cart's order: everything of the cart the cart page shows; the products
// themselves are the catalogue version's). It is read, not written: no cart
// write has to remember it, adds do not contend on it, and it cannot be stale
// after a database restore. The zero value is no cart: an empty one.
type CartVersion struct {
	ID      int64
	Version string
}

// cartLinesAggSQL aggregates a cart's lines (alias ci) into the text
// fingerprintOf hashes; cartFingerprintSQL is its fingerprint per dialect (on
// SQLite the text itself, hashed in Go by cartFingerprint).
func cartLinesAggSQL(pg bool) string {
	line := "CAST(ci.product_id AS TEXT) || ':' || CAST(ci.quantity AS TEXT) || ':' || CAST(ci.added_price_cents AS TEXT)"
	if pg {
		return "string_agg(" + line + ", ',' ORDER BY ci.added_at, ci.product_id)"
	}
	return "group_concat(" + line + ", ',' ORDER BY ci.added_at, ci.product_id)"
}

func cartFingerprintSQL(pg bool) string {
	if pg {
		return "COALESCE(md5(" + cartLinesAggSQL(true) + "), '')"
	}
	return "COALESCE(" + cartLinesAggSQL(false) + ", '')"
}

// cartFingerprint turns what cartFingerprintSQL read into the fingerprint.
func cartFingerprint(pg bool, read string) string {
	if pg || read == "" {
		return read
	}
	sum := md5.Sum([]byte(read))
	return hex.EncodeToString(sum[:])
}

// fingerprintOf is the fingerprint of lines (in the cart's order), as
// cartFingerprintSQL computes it in the database.
func fingerprintOf(rows []cartRow) string {
	if len(rows) == 0 {
		return ""
	}
	b := make([]byte, 0, 32*len(rows))
	for i, r := range rows {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, r.ProductID, 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(r.Quantity), 10)
		b = append(b, ':')
		b = strconv.AppendInt(b, r.AddedPriceCents, 10)
	}
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

// CartState returns the version of the owner's cart and the number of items in
// it (one indexed query; the zero version and 0 for a guest with no cart yet).
// A signed-in user's comes with every request (Accounts.SignedInUser).
func (c *Carts) CartState(ctx context.Context, owner models.CartOwner) (CartVersion, int, error) {
	cond, arg, err := ownerCondition(owner)
	if err != nil {
		return CartVersion{}, 0, err
	}
	db := c.preparedDB()
	pg := c.db.Dialect().Name() == dialect.PG
	q := sqlOf("SELECT c.id, COALESCE(SUM(ci.quantity), 0), "+cartFingerprintSQL(pg)+
		" FROM carts c LEFT JOIN cart_items ci ON ci.cart_id = c.id WHERE "+cond+" GROUP BY c.id", arg)
	var v CartVersion
	var n int64
	var read string
	if db != nil {
		err = queryPreparedPG(ctx, db, q, func(r pgx.Rows) error { return r.Scan(&v.ID, &n, &read) })
	} else {
		err = c.db.NewRaw(q.sql, q.args...).Scan(ctx, &v.ID, &n, &read)
		if errors.Is(err, sql.ErrNoRows) {
			err = nil
		}
	}
	v.Version = cartFingerprint(pg, read)
	return v, int(n), dbError("carts: cart state", err)
}

// ItemCount returns the number of items in the owner's cart (for the nav
// badge): one indexed query, 0 for a guest with no cart yet.
func (c *Carts) ItemCount(ctx context.Context, owner models.CartOwner) (int, error) {
	cond, arg, err := ownerCondition(owner)
	if err != nil {
		return 0, err
	}
	if _, inTx := c.db.(bun.Tx); owner.UserID > 0 && !inTx {
		n, err := c.userCounts.get(ctx, owner.UserID)
		return n, dbError("carts: count items", err)
	}
	var n int
	err = c.db.NewRaw("SELECT COALESCE(SUM(ci.quantity), 0) FROM cart_items ci JOIN carts c ON c.id = ci.cart_id WHERE "+cond, arg).Scan(ctx, &n)
	return n, dbError("carts: count items", err)
}

// cartRow is one cart line joined with its product as it is now.
type cartRow struct {
	ProductID       int64        `bun:"product_id"`
	Quantity        int          `bun:"quantity"`
	AddedPriceCents int64        `bun:"added_price_cents"`
	AddedAt         time.Time    `bun:"added_at"`
	Name            string       `bun:"name"`
	PriceCents      int64        `bun:"price_cents"`
	Stock           *int64       `bun:"stock"`
	SellerID        int64        `bun:"seller_id"`
	OnSale          bool         `bun:"on_sale"`
	StoreName       string       `bun:"store_name"`
	Cover           models.Image `bun:"embed:cover_"`
}

// loadCartRows returns the owner's cart lines in the order they were added
// (one query).
func loadCartRows(ctx context.Context, db bun.IDB, owner models.CartOwner) ([]cartRow, error) {
	cond, arg, err := ownerCondition(owner)
	if err != nil {
		return nil, err
	}
	q := cartRowsQuery(cond, arg)
	var rows []cartRow
	err = db.NewRaw(q.sql, q.args...).Scan(ctx, &rows)
	return rows, err
}

// cartRows is loadCartRows, prepared on PostgreSQL outside a transaction.
func (c *Carts) cartRows(ctx context.Context, owner models.CartOwner) ([]cartRow, error) {
	if db := c.preparedDB(); db != nil {
		cond, arg, err := ownerCondition(owner)
		if err != nil {
			return nil, err
		}
		return cartRowsPG(ctx, db, cartRowsQuery(cond, arg))
	}
	return loadCartRows(ctx, c.db, owner)
}

// line is the row as the cart shows it, for the owner (their own products
// cannot be bought).
func (r cartRow) line(owner models.CartOwner) models.CartLine {
	l := models.CartLine{
		ProductID: r.ProductID, Name: r.Name, StoreName: r.StoreName, Cover: r.Cover,
		UnitPriceCents: r.PriceCents, AddedPriceCents: r.AddedPriceCents, PriceChanged: r.PriceCents != r.AddedPriceCents,
		Quantity: r.Quantity, Stock: r.Stock, LineTotalCents: r.PriceCents * int64(r.Quantity), AddedAt: r.AddedAt,
		State: models.CartLineAvailable,
	}
	switch {
	case !r.OnSale:
		l.State = models.CartLineUnavailable
	case r.Stock != nil && *r.Stock <= 0:
		l.State = models.CartLineSoldOut
	case owner.UserID != 0 && r.SellerID == owner.UserID:
		l.State = models.CartLineOwnProduct
	}
	l.Short = l.Available() && r.Stock != nil && int64(r.Quantity) > *r.Stock
	return l
}

// Cart returns the owner's cart with current prices: every line, those that
// can no longer be bought marked so and left out of the subtotal. A guest with
// no cart yet has an empty one.
func (c *Carts) Cart(ctx context.Context, owner models.CartOwner) (*models.Cart, error) {
	rows, err := c.cartRows(ctx, owner)
	if err != nil {
		return nil, dbError("carts: load cart", err)
	}
	cart := &models.Cart{Lines: make([]models.CartLine, 0, len(rows)), Version: fingerprintOf(rows)}
	for _, r := range rows {
		l := r.line(owner)
		cart.Lines = append(cart.Lines, l)
		cart.ItemCount += l.Quantity
		if l.Available() {
			cart.SubtotalCents += l.LineTotalCents
			cart.Checkoutable = true
		}
	}
	return cart, nil
}

// MergeGuestCart moves a guest's cart into the user's at login or sign-up, in
// one transaction: quantities of a product in both are added (capped at 99),
// the user's own products stay behind, and the guest cart is deleted. No guest
// cart is nothing to do.
func (c *Carts) MergeGuestCart(ctx context.Context, guestToken string, userID int64) error {
	if !ValidToken(guestToken) || userID <= 0 {
		return errGuestCartMerger
	}
	err := InTx(ctx, c.db, func(ctx context.Context, tx bun.Tx) error {
		var guestCart int64
		err := tx.NewRaw("SELECT id FROM carts WHERE guest_token_hash = ?", hashToken(guestToken)).Scan(ctx, &guestCart)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		userCart, err := c.ensureCart(ctx, tx, models.CartOwner{UserID: userID})
		if err != nil {
			return err
		}
		_, err = tx.NewRaw(`INSERT INTO cart_items (cart_id, product_id, quantity, added_price_cents, added_at)
			SELECT ?, gi.product_id, gi.quantity, gi.added_price_cents, gi.added_at
			FROM cart_items gi JOIN products p ON p.id = gi.product_id
			WHERE gi.cart_id = ? AND p.seller_id <> ? `+addQuantitiesSQL(),
			userCart, guestCart, userID).Exec(ctx)
		if err != nil {
			return err
		}
		_, err = tx.NewRaw("DELETE FROM carts WHERE id = ?", guestCart).Exec(ctx)
		return err
	})
	return dbError("carts: merge guest cart", err)
}
