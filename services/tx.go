package services

import (
	"context"

	"github.com/uptrace/bun"
)

// InTx runs fn as one transaction on db: everything one business operation
// writes through tx (its rows, the catalogue version, the jobs it queues) is
// committed together, or rolled back together when fn returns an error or
// panics. Services use it for every write that takes more than one statement,
// on both databases.
//
// When db is already a transaction, fn joins it rather than opening a savepoint:
// the caller that began the transaction owns the operation, and an error from fn
// fails all of it (on PostgreSQL a failed statement aborts the transaction
// anyway). That is how a service method such as Catalog.CreateProduct, run
// through Catalog.WithTx, becomes one step of a larger operation.
func InTx(ctx context.Context, db bun.IDB, fn func(ctx context.Context, tx bun.Tx) error) error {
	switch tx := db.(type) {
	case bun.Tx:
		return fn(ctx, tx)
	case *bun.Tx:
		return fn(ctx, *tx)
	}
	return db.RunInTx(ctx, nil, fn)
}
