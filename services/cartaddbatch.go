package services

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Adds to carts on PostgreSQL are written in groups (group commit): the adds
// that arrive while a group is being written wait, and go together in the
// next one (batchedLookups), as one transaction in one round trip
// (preparedTxPG: BEGIN, each add's prepared statement, COMMIT). A caller still
// gets its answer only after the commit that holds its add, so an add is as
// synchronous and durable as before; what a group saves is each add's round
// trip, its own commit (a WAL flush) and concurrent adds' waits for the same
// lines' row locks.

// cartAdd is one add: qty of a product into the owner's cart, at now; count
// asks for the cart's item count after it.
type cartAdd struct {
	owner     models.CartOwner
	productID int64
	qty       int
	now       time.Time
	count     bool
}

// cartAddResult is what one add of a group found and did, or its own error
// when the group was rerun add by add.
type cartAddResult struct {
	outcome addOutcome
	err     error
}

// addItemsPG writes adds as one transaction and returns each one's result, in
// the order of adds. Each add's outcome is what it would be had the adds come
// one after another (the statements run in order and see each other's
// writes), so the 99 cap and the stock checks hold within a group too.
func addItemsPG(ctx context.Context, db *bun.DB, adds []cartAdd) ([]cartAddResult, error) {
	// Every group takes its lines' row locks in one order, so that groups
	// written at once (several app instances) cannot deadlock on each other.
	order := make([]int, len(adds))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return compareCartAdds(adds[i], adds[j]) })
	queries := make([]sqlQuery, len(adds))
	for k, i := range order {
		q, err := addItemQuery(adds[i])
		if err != nil {
			return nil, err
		}
		queries[k] = q
	}
	results := make([]cartAddResult, len(adds))
	err := withPgxConn(ctx, db, func(conn *pgx.Conn) error {
		return preparedTxPG(ctx, conn, queries, func(k int, r pgx.Rows) error {
			return results[order[k]].outcome.scan(r)
		})
	})
	if err == nil {
		return results, nil
	}
	var refused *pgconn.PgError
	if !errors.As(err, &refused) {
		// The connection failed or the group ran out of time: whether it
		// committed is unknown, so nothing is tried again (one add on its own
		// answers the same).
		return nil, err
	}
	// The server refused a statement (or the commit), so the whole group was
	// rolled back and nothing of it written: each add is tried again on its
	// own, so that one bad add cannot fail the others.
	for i, a := range adds {
		results[i] = cartAddResult{}
		results[i].outcome, results[i].err = addItemPG(ctx, db, a)
	}
	return results, nil
}

// compareCartAdds orders adds by cart owner, then product: the order of the
// cart lines' row locks.
func compareCartAdds(a, b cartAdd) int {
	return cmp.Or(cmp.Compare(a.owner.UserID, b.owner.UserID), cmp.Compare(a.owner.GuestToken, b.owner.GuestToken),
		cmp.Compare(a.productID, b.productID))
}
