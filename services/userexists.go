package services

import (
	"context"
	"slices"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// ErrUserGone means the signed-in user's account no longer exists (it was
// deleted while a session of it lived). Handlers treat it as "signed out", never
// as a failure of the page.
var ErrUserGone = models.Errorf(models.ENOTFOUND, "This account no longer exists.")

// UserExists reports whether the account still exists. Every signed-in request
// asks, so that no session outlives its user; concurrent questions share one
// primary-key query (see batchedLookups), which keeps the check cheap under load.
func (a *Accounts) UserExists(ctx context.Context, id int64) (bool, error) {
	ok, err := a.existing.get(ctx, id)
	if err != nil {
		return false, dbError("accounts: user exists", err)
	}
	return ok, nil
}

// usersExist answers a batch of UserExists questions with one query (a busy
// user's concurrent requests ask about the same id: it is asked once).
func (a *Accounts) usersExist(ctx context.Context, ids []int64) ([]bool, error) {
	unique := slices.Compact(slices.Sorted(slices.Values(ids)))
	var found []int64
	err := a.db.NewSelect().Model((*models.User)(nil)).Column("id").Where("id IN (?)", bun.In(unique)).Scan(ctx, &found)
	if err != nil {
		return nil, err
	}
	exists := make(map[int64]bool, len(found))
	for _, id := range found {
		exists[id] = true
	}
	out := make([]bool, len(ids))
	for i, id := range ids {
		out[i] = exists[id]
	}
	return out, nil
}
