package services

import (
	"context"
	"math/rand/v2"
	"slices"

	"github.com/uptrace/bun"
)

// A seller's dashboard version (users.dashboard_version) names the current
// state of everything their account page shows: their live products (name,
// status, price, cover), each product's paid sales, their store's name and
// address, and their email. The handlers cache the rendered page per user and
// serve it only under the version it was made under, which the signed-in query
// of every request reads (SignedInUser.DashboardVersion). So every write of
// those things gives each seller it touches a new version in the write's own
// transaction, as the catalogue version does for the shop's pages:
//
//   - products: CreateProduct, UpdateProduct, Publish/Unpublish, DeleteProduct;
//   - pictures: ProductImages.Add, SetAlt, Reorder, DeleteImage (the cover);
//   - stores: CreateStore, UpdateStore (and a first product's store);
//   - sales: an order becoming paid (Orders.ApplyPayment, every seller with a
//     line in it); no other change of an order counts as a sale;
//   - the account: ConfirmEmailChange;
//   - SeedDemo, for the demo seller.
//
// Stock is not on the dashboard, so checkout reservations and their release
// leave the version alone (they move the catalogue version, for the product
// pages that show it); a dashboard that starts showing stock must bump it in
// services/stock.go too.
//
// Each write sets a fresh random value rather than counting: after a database
// restore a counter would count again through values that named other states
// of the dashboard, which an instance may still hold; a random 64-bit value
// does not repeat. The users row is locked after the catalogue version row in
// every transaction that takes both, so no two such writes wait on each other
// in opposite orders.

// newDashboardVersion is a fresh version, never 0 (every account's version
// before its first write).
func newDashboardVersion() int64 {
	for {
		if v := rand.Int64(); v != 0 {
			return v
		}
	}
}

// bumpDashboard gives the sellers' dashboards a new version inside tx.
func bumpDashboard(ctx context.Context, tx bun.Tx, sellerIDs ...int64) error {
	ids := slices.Compact(slices.Sorted(slices.Values(sellerIDs)))
	q := tx.NewUpdate().Table("users").Set("dashboard_version = ?", newDashboardVersion())
	if len(ids) == 1 {
		q = q.Where("id = ?", ids[0])
	} else {
		q = q.Where("id IN (?)", bun.In(ids))
	}
	if _, err := q.Exec(ctx); err != nil {
		return dbError("dashboard version: bump", err)
	}
	return nil
}

// bumpOrderSellers gives a new dashboard version to every seller with a line
// in the order (its sales changed).
func bumpOrderSellers(ctx context.Context, tx bun.Tx, orderID int64) error {
	_, err := tx.NewRaw("UPDATE users SET dashboard_version = ? WHERE id IN (SELECT seller_id FROM order_lines WHERE order_id = ?)",
		newDashboardVersion(), orderID).Exec(ctx)
	return dbError("dashboard version: bump sellers of order", err)
}

// bumpVersions gives the catalogue a new version, then the seller's dashboard
// (in that order, see above), inside tx: for a write of the seller's products
// or store.
func bumpVersions(ctx context.Context, tx bun.Tx, sellerID int64) error {
	if err := bumpCatalogVersion(ctx, tx); err != nil {
		return err
	}
	return bumpDashboard(ctx, tx, sellerID)
}
