package services

import (
	"context"
	"database/sql"
	"errors"
	mathrand "math/rand/v2"
	"slices"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"

	"github.com/storefront/storefront/models"
)

// Stores keeps the sellers' stores: name, slug (their address, /stores/{slug})
// and bio, and the slugs they gave up.
//
// Old slugs: a store that changes its slug keeps the old one as a redirect
// (store_slug_redirects), so that links to it answer 301 to the current
// address. While it redirects, for SlugRedirectMinAge at least, no other store
// may take it (SlugTaken); the store itself may take it back at any time.
// After that another store may claim it, which removes the redirect in the
// same transaction; until someone does, the redirect keeps working. Every
// transaction that claims or gives up a slug holds a lock on it (PostgreSQL
// advisory locks; SQLite has one writer), so "is it free?" and "take it" are
// one step even across the two tables.
type Stores struct {
	db  bun.IDB // the database, or the caller's transaction (WithTx)
	now func() time.Time
}

// SlugRedirectMinAge is how long an old slug keeps redirecting to its store
// before another store may take it.
const SlugRedirectMinAge = 90 * 24 * time.Hour

// NewStores returns the store service.
func NewStores(db *bun.DB) *Stores { return &Stores{db: db, now: time.Now} }

// WithTx returns the store service working inside tx (see InTx).
func (s *Stores) WithTx(tx bun.Tx) *Stores {
	inTx := *s
	inTx.db = tx
	return &inTx
}

var (
	errStoreNotFound = models.NotFound("store")
	errHasStore      = models.Conflict("You already have a store: change it on your store page.")
)

// StoreForUser returns the user's store, or ENOTFOUND for an account that has
// never sold.
func (s *Stores) StoreForUser(ctx context.Context, userID int64) (*models.Store, error) {
	st, err := storeOfUser(ctx, s.db, userID)
	if err == nil && st == nil {
		return nil, errStoreNotFound
	}
	return st, err
}

// SuggestStore proposes the store a first product's form offers: named after
// the user's email, with a slug no store has (ErrUserGone for a deleted user).
func (s *Stores) SuggestStore(ctx context.Context, userID int64) (models.StoreInput, error) {
	email, err := userEmail(ctx, s.db, userID)
	if err != nil {
		return models.StoreInput{}, err
	}
	in := models.SuggestStore(email)
	in.Slug, err = freeSlug(ctx, s.db, in.Slug)
	return in, err
}

// CreateStore gives the user a store: EINVALID with messages under name, slug
// and bio (models.SlugTaken when another store has or recently had the slug),
// ECONFLICT when the user already has one (another tab got there first).
func (s *Stores) CreateStore(ctx context.Context, userID int64, in models.StoreInput) (*models.Store, error) {
	st, err := in.Validate()
	if err != nil {
		return nil, err
	}
	var created *models.Store
	err = InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if created, err = insertStore(ctx, tx, userID, st, s.now()); err != nil {
			return err
		}
		if created == nil {
			return errHasStore
		}
		return bumpVersions(ctx, tx, userID)
	})
	if err != nil {
		return nil, dbError("stores: create", err)
	}
	return created, nil
}

// UpdateStore changes the user's store (ENOTFOUND when they have none; EINVALID
// as for CreateStore). A new slug keeps the old one as a redirect.
func (s *Stores) UpdateStore(ctx context.Context, userID int64, in models.StoreInput) (*models.Store, error) {
	edit, err := in.Validate()
	if err != nil {
		return nil, err
	}
	var st *models.Store
	err = InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		st = new(models.Store)
		err := forUpdate(tx.NewSelect().Model(st).Where("user_id = ?", userID)).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return errStoreNotFound
		}
		if err != nil {
			return dbError("stores: find own store", err)
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		if edit.Slug != st.Slug {
			if err := lockSlugs(ctx, tx, st.Slug, edit.Slug); err != nil {
				return err
			}
			if err := claimSlug(ctx, tx, edit.Slug, st.ID, now); err != nil {
				return err
			}
			_, err := tx.NewInsert().Model(&slugRedirect{OldSlug: st.Slug, StoreID: st.ID, CreatedAt: now}).
				On("CONFLICT (old_slug) DO UPDATE").Set("store_id = EXCLUDED.store_id, created_at = EXCLUDED.created_at").
				Exec(ctx)
			if err != nil {
				return dbError("stores: keep old slug", err)
			}
		}
		st.Name, st.Slug, st.Bio, st.UpdatedAt = edit.Name, edit.Slug, edit.Bio, now
		if _, err := tx.NewUpdate().Model(st).Column("name", "slug", "bio", "updated_at").WherePK().Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return errSlugTaken
			}
			return dbError("stores: update", err)
		}
		// Product cards and pages name the store, and so does the dashboard.
		return bumpVersions(ctx, tx, userID)
	})
	if err != nil {
		return nil, dbError("stores: update", err)
	}
	return st, nil
}

// StoreBySlug returns the store at /stores/{slug}, or ENOTFOUND. For an old
// slug of a store, or one that differs from its slug only in case, it returns
// the store, whose Slug then differs from the one asked for: the page answers
// 301 to the store's address.
func (s *Stores) StoreBySlug(ctx context.Context, slug string) (*models.Store, error) {
	slug = models.NormalizeSlug(slug)
	if !models.IsSlugShaped(slug) {
		return nil, errStoreNotFound // no store can have it: no query
	}
	st := new(models.Store)
	err := s.db.NewSelect().Model(st).Where("slug = ?", slug).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		err = s.db.NewSelect().Model(st).
			Join("JOIN store_slug_redirects AS r ON r.store_id = st.id").Where("r.old_slug = ?", slug).
			Scan(ctx)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errStoreNotFound
	}
	if err != nil {
		return nil, dbError("stores: find by slug", err)
	}
	return st, nil
}

// StoreProducts returns page n (1-based) of the store's published products,
// newest first, as cards.
func (s *Stores) StoreProducts(ctx context.Context, store models.Store, n int) (models.ProductPage, error) {
	public := func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("p.seller_id = ?", store.UserID).Where(publicProducts)
	}
	page, err := productPage(ctx, s.db, n, public)
	if err != nil {
		return page, dbError("stores: list products", err)
	}
	// The store's header counts its products (the page is cached per
	// catalogue version, so this runs once per change).
	total, err := public(s.db.NewSelect().Model((*models.Product)(nil))).Count(ctx)
	page.Total = int(total)
	return page, dbError("stores: count products", err)
}

// slugRedirect is a slug a store gave up, and when.
type slugRedirect struct {
	bun.BaseModel `bun:"table:store_slug_redirects,alias:r"`

	OldSlug   string    `bun:"old_slug,pk"`
	StoreID   int64     `bun:"store_id,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

var errSlugTaken = models.Invalid(map[string]string{"slug": models.SlugTaken})

// storeOfUser returns the user's store, or nil when they have none.
func storeOfUser(ctx context.Context, db bun.IDB, userID int64) (*models.Store, error) {
	st := new(models.Store)
	err := db.NewSelect().Model(st).Where("user_id = ?", userID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, dbError("stores: find user's store", err)
	}
	return st, nil
}

// userEmail returns the user's email, or ErrUserGone.
func userEmail(ctx context.Context, db bun.IDB, userID int64) (string, error) {
	var email string
	err := db.NewSelect().Model((*models.User)(nil)).Column("email").Where("id = ?", userID).Scan(ctx, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrUserGone
	}
	return email, dbError("stores: find user", err)
}

// ensureStore returns the seller's store, creating it inside tx when they have
// none: from in (the first product's form; its messages go under store_*), or
// from the suggestion for their email.
func ensureStore(ctx context.Context, tx bun.Tx, userID int64, in *models.StoreInput, now time.Time) (*models.Store, error) {
	if st, err := storeOfUser(ctx, tx, userID); err != nil || st != nil {
		return st, err
	}
	if in != nil {
		st, err := in.Validate()
		if err != nil {
			return nil, prefixFields(err, "store_")
		}
		created, err := insertStore(ctx, tx, userID, st, now)
		if err != nil {
			return nil, prefixFields(err, "store_")
		}
		return createdOrFound(ctx, tx, userID, created)
	}
	email, err := userEmail(ctx, tx, userID)
	if err != nil {
		return nil, err
	}
	st, err := models.SuggestStore(email).Validate()
	if err != nil {
		return nil, err // a suggestion is always valid; a bug otherwise
	}
	// Nobody typed this slug, so nobody can choose another: a free one taken
	// meanwhile by another new store (claimSlug saw it after the slug's lock)
	// means looking again. Each miss is another store created with that slug
	// in the meantime: ten tries outlast any burst of namesakes.
	for range 10 {
		if st.Slug, err = freeSlug(ctx, tx, st.Slug); err != nil {
			return nil, err
		}
		created, err := insertStore(ctx, tx, userID, st, now)
		if !errors.Is(err, errSlugTaken) {
			if err != nil {
				return nil, err
			}
			return createdOrFound(ctx, tx, userID, created)
		}
	}
	return nil, errSlugTaken
}

// createdOrFound returns the store insertStore created, or, when it found one
// (another request of the seller's, a first product in another tab, created it
// meanwhile: the insert waited for it), that one.
func createdOrFound(ctx context.Context, tx bun.Tx, userID int64, created *models.Store) (*models.Store, error) {
	if created != nil {
		return created, nil
	}
	return storeOfUser(ctx, tx, userID)
}

// insertStore claims the store's slug and stores it for the user; nil when
// the user has a store already (the unique user_id).
func insertStore(ctx context.Context, tx bun.Tx, userID int64, st models.Store, now time.Time) (*models.Store, error) {
	now = now.UTC().Truncate(time.Microsecond)
	if err := lockSlugs(ctx, tx, st.Slug); err != nil {
		return nil, err
	}
	if err := claimSlug(ctx, tx, st.Slug, 0, now); err != nil {
		return nil, err
	}
	st.UserID, st.CreatedAt, st.UpdatedAt = userID, now, now
	res, err := tx.NewInsert().Model(&st).On("CONFLICT (user_id) DO NOTHING").Returning("id").Exec(ctx)
	switch {
	case isForeignKeyViolation(err):
		return nil, ErrUserGone
	case isUniqueViolation(err):
		// Not user_id's (DO NOTHING): the slug's, taken by a writer that
		// skipped the slug's lock.
		return nil, errSlugTaken
	case err != nil:
		return nil, dbError("stores: create", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, dbError("stores: create", err)
	}
	return &st, nil
}

// claimSlug makes slug free for the store storeID (0: a store not yet
// written) inside tx, or returns EINVALID SlugTaken. The caller holds the
// slug's lock (lockSlugs).
func claimSlug(ctx context.Context, tx bun.Tx, slug string, storeID int64, now time.Time) error {
	var owner int64
	err := tx.NewSelect().Model((*models.Store)(nil)).Column("id").Where("slug = ?", slug).Scan(ctx, &owner)
	switch {
	case err == nil && owner != storeID:
		return errSlugTaken
	case err != nil && !errors.Is(err, sql.ErrNoRows):
		return dbError("stores: check slug", err)
	}
	var r slugRedirect
	err = tx.NewSelect().Model(&r).Where("old_slug = ?", slug).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return dbError("stores: check old slugs", err)
	}
	if r.StoreID != storeID && now.Sub(r.CreatedAt) < SlugRedirectMinAge {
		return errSlugTaken
	}
	if _, err := tx.NewDelete().Model(&r).WherePK().Exec(ctx); err != nil {
		return dbError("stores: take old slug", err)
	}
	return nil
}

// slugLockSpace is the first key of the slugs' PostgreSQL advisory locks; the
// second is the slug's hash (a collision only makes two claims wait in turn).
const slugLockSpace = 723_041_702

// lockSlugs takes the transaction's locks on the slugs, in order (two stores
// swapping slugs must not deadlock). SQLite needs none.
func lockSlugs(ctx context.Context, tx bun.Tx, slugs ...string) error {
	if tx.Dialect().Name() != dialect.PG {
		return nil
	}
	slices.Sort(slugs)
	for _, slug := range slugs {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?, hashtext(?))", slugLockSpace, slug); err != nil {
			return dbError("stores: lock slug", err)
		}
	}
	return nil
}

// freeSlug returns slug, or the first of slug-2, slug-3 ... that no store has
// or had (old slugs count as taken, however old).
func freeSlug(ctx context.Context, db bun.IDB, slug string) (string, error) {
	const tries = 20
	candidates := make([]string, 0, tries)
	candidates = append(candidates, slug)
	for n := 2; len(candidates) < tries; n++ {
		candidates = append(candidates, models.SlugWithSuffix(slug, n))
	}
	var taken []string
	err := db.NewSelect().Model((*models.Store)(nil)).Column("slug").Where("slug IN (?)", bun.In(candidates)).
		UnionAll(db.NewSelect().Model((*slugRedirect)(nil)).Column("old_slug").Where("old_slug IN (?)", bun.In(candidates))).
		Scan(ctx, &taken)
	if err != nil {
		return "", dbError("stores: find a free slug", err)
	}
	for _, c := range candidates {
		if !slices.Contains(taken, c) {
			return c, nil
		}
	}
	// Twenty stores named alike: a random number rather than a longer search.
	return models.SlugWithSuffix(slug, 100+mathrand.IntN(900_000)), nil
}

// prefixFields returns err with its field names prefixed (the store form's
// fields within the product form), or err as it is.
func prefixFields(err error, prefix string) error {
	var e *models.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	fields := make(map[string]string, len(e.Fields))
	for k, v := range e.Fields {
		fields[prefix+k] = v
	}
	out := *e
	out.Fields = fields
	return &out
}
