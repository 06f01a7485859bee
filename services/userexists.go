package services

import (
	"context"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// ErrUserGone means the signed-in user's account no longer exists (it was
// deleted while a session of it lived). Handlers treat it as "signed out", never
// as a failure of the page.
var ErrUserGone = models.Errorf(models.ENOTFOUND, "This account no longer exists.")

// SignedInUser is what every signed-in request learns about its user: whether
// the account still exists (no session outlives its user), how many items
// its cart holds (the nav's count on every page) and its dashboard's version
// (dashboardversion.go: the account page is cached under it). One query
// answers all three.
type SignedInUser struct {
	Exists    bool
	CartItems int
	// Cart names the state of the user's cart (zero: no cart yet), read in the
	// same statement as CartItems, by SignedInUserWithCart only: the cart
	// page's cache key.
	Cart CartVersion
	// DashboardVersion names the state of the user's account page.
	DashboardVersion int64
}

// SignedInUser reads the user's SignedInUser. Every signed-in request asks;
// concurrent questions share one query (see batchedLookups), started after
// they asked, so a cart changed or an account deleted before a request began is
// always seen by it.
func (a *Accounts) SignedInUser(ctx context.Context, id int64) (SignedInUser, error) {
	u, err := a.existing.get(ctx, id)
	if err != nil {
		return SignedInUser{}, dbError("accounts: signed-in user", err)
	}
	return u, nil
}

// SignedInUserWithCart is SignedInUser with the version of the user's cart,
// for the cart page (whose cache it keys): concurrent cart pages share one
// query, which also fingerprints the cart's lines, so other pages do not pay
// for it.
func (a *Accounts) SignedInUserWithCart(ctx context.Context, id int64) (SignedInUser, error) {
	u, err := a.existingWithCart.get(ctx, id)
	if err != nil {
		return SignedInUser{}, dbError("accounts: signed-in user", err)
	}
	return u, nil
}

// UserExists reports whether the account still exists (SignedInUser's check).
func (a *Accounts) UserExists(ctx context.Context, id int64) (bool, error) {
	u, err := a.SignedInUser(ctx, id)
	return u.Exists, err
}

// signedInUsers answers a batch of SignedInUser questions with one query (a
// busy user's concurrent requests ask about the same id: it is asked once). On
// PostgreSQL it is a prepared statement with the ids as one array parameter,
// so it is planned once per connection whatever the batch's size.
func (a *Accounts) signedInUsers(ctx context.Context, ids []int64) ([]SignedInUser, error) {
	return a.signedInUsersReading(ctx, ids, false)
}

// signedInUsersWithCart answers a batch of SignedInUserWithCart questions
// the same way, with the cart's version.
func (a *Accounts) signedInUsersWithCart(ctx context.Context, ids []int64) ([]SignedInUser, error) {
	return a.signedInUsersReading(ctx, ids, true)
}

// signedInUsersSQL reads, per user, the cart's item count and the dashboard's
// version and, withCart, the cart's id and the fingerprint of its lines
// (services.CartVersion; zero values otherwise: every signed-in page asks,
// and the fingerprint is for the cart page only). Users that do not exist
// have no row. The sums are correlated subqueries over carts' unique user_id
// and cart_items' primary key (cart_id first).
func signedInUsersSQL(pg, withCart bool) string {
	if !withCart {
		return "SELECT u.id, COALESCE((SELECT SUM(ci.quantity) FROM carts AS c JOIN cart_items AS ci ON ci.cart_id = c.id" +
			" WHERE c.user_id = u.id), 0) AS n, u.dashboard_version, 0 AS cart_id, '' AS cart_version FROM users AS u WHERE u.id "
	}
	lines := " FROM cart_items AS ci WHERE ci.cart_id = c.id)"
	return "SELECT u.id, COALESCE((SELECT SUM(ci.quantity)" + lines + ", 0) AS n, u.dashboard_version, COALESCE(c.id, 0) AS cart_id," +
		" COALESCE((SELECT " + cartFingerprintSQL(pg) + lines + ", '') AS cart_version" +
		" FROM users AS u LEFT JOIN carts AS c ON c.user_id = u.id WHERE u.id "
}

func (a *Accounts) signedInUsersReading(ctx context.Context, ids []int64, withCart bool) ([]SignedInUser, error) {
	unique := slices.Compact(slices.Sorted(slices.Values(ids)))
	found := make(map[int64]SignedInUser, len(unique))
	var err error
	if db, pooled := a.db.(*bun.DB); pooled && DialectName(db) == "pg" {
		err = queryPreparedPG(ctx, db, sqlOf(signedInUsersSQL(true, withCart)+"= ANY(?)", unique), func(r pgx.Rows) error {
			var id, n int64
			u := SignedInUser{Exists: true}
			err := r.Scan(&id, &n, &u.DashboardVersion, &u.Cart.ID, &u.Cart.Version)
			u.CartItems = int(n)
			found[id] = u
			return err
		})
	} else {
		var rows []struct {
			ID          int64  `bun:"id"`
			N           int    `bun:"n"`
			Version     int64  `bun:"dashboard_version"`
			CartID      int64  `bun:"cart_id"`
			CartVersion string `bun:"cart_version"`
		}
		err = a.db.NewRaw(signedInUsersSQL(false, withCart)+"IN (?)", bun.In(unique)).Scan(ctx, &rows)
		for _, r := range rows {
			found[r.ID] = SignedInUser{Exists: true, CartItems: r.N, DashboardVersion: r.Version,
				Cart: CartVersion{ID: r.CartID, Version: cartFingerprint(false, r.CartVersion)}}
		}
	}
	if err != nil {
		return nil, err
	}
	out := make([]SignedInUser, len(ids))
	for i, id := range ids {
		out[i] = found[id] // the zero SignedInUser: the account is gone
	}
	return out, nil
}
