package main

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// The fixed data set: 1,000 products from 50 sellers, plus one user whose
// password the harness knows (scenarios c, e, f log in as them).
const (
	sellerCount  = 50
	productCount = 1000
	benchEmail   = "bench@example.com"
	benchPass    = "bench-password-not-secret"
)

// seed migrates the database and inserts the data set straight through bun (fast),
// with the known user's hash made by the app's own argon2id code so login works.
// It returns the lowest and highest product id.
func seed(ctx context.Context, databaseURL string) (minID, maxID int64, err error) {
	db, err := services.OpenDB(databaseURL)
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	if _, err := services.Migrate(ctx, db); err != nil {
		return 0, 0, fmt.Errorf("migrate: %w", err)
	}
	hasher, err := services.NewPasswordHasher(services.OWASPArgon2)
	if err != nil {
		return 0, 0, err
	}
	hash, err := hasher.Hash(ctx, benchPass)
	if err != nil {
		return 0, 0, err
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	users := []models.User{{Email: benchEmail, PasswordHash: hash, CreatedAt: start}}
	for i := 1; i <= sellerCount; i++ {
		// Sellers never log in; sharing the one real hash keeps seeding fast.
		users = append(users, models.User{Email: fmt.Sprintf("seller%02d@example.com", i), PasswordHash: hash, CreatedAt: start})
	}
	err = db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&users).Returning("id").Exec(ctx); err != nil {
			return err
		}
		products := make([]models.Product, 0, productCount)
		for i := 0; i < productCount; i++ {
			seller := users[1+i%sellerCount]
			products = append(products, models.Product{
				SellerID:    seller.ID,
				Name:        fmt.Sprintf("Handmade item no. %d", i+1),
				Description: fmt.Sprintf("Item %d from %s.\nMade to order; ships within a week.", i+1, seller.Email),
				PriceCents:  int64(199 + (i*7919)%99800),
				CreatedAt:   start.Add(time.Duration(i) * time.Minute),
			})
		}
		_, err := tx.NewInsert().Model(&products).Exec(ctx)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("seed: %w", err)
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		return 0, 0, err
	}
	err = db.NewSelect().Model((*models.Product)(nil)).ColumnExpr("min(id), max(id)").Scan(ctx, &minID, &maxID)
	return minID, maxID, err
}

// hashTimer times the app's password hash (argon2id with its parameters), so
// that login (e) is judged against it in the same round.
type hashTimer struct {
	hasher *services.PasswordHasher
	hash   string
}

func newHashTimer(ctx context.Context) (*hashTimer, error) {
	hasher, err := services.NewPasswordHasher(services.OWASPArgon2)
	if err != nil {
		return nil, err
	}
	hash, err := hasher.Hash(ctx, benchPass)
	if err != nil {
		return nil, err
	}
	return &hashTimer{hasher: hasher, hash: hash}, nil
}

// measure returns the CPU time of one verification (the mean over n, from this
// process's rusage: the harness is otherwise idle then, and unlike wall time it
// is not inflated by other processes on a busy machine) and the median wall time.
func (h *hashTimer) measure(ctx context.Context, n int) (cpu, wall time.Duration, err error) {
	cpu0, err := processCPU()
	if err != nil {
		return 0, 0, err
	}
	var times []float64
	for range n {
		t0 := time.Now()
		if _, _, err := h.hasher.Verify(ctx, benchPass, h.hash); err != nil {
			return 0, 0, err
		}
		times = append(times, float64(time.Since(t0)))
	}
	cpu1, err := processCPU()
	if err != nil {
		return 0, 0, err
	}
	return (cpu1 - cpu0) / time.Duration(n), time.Duration(median(times)), nil
}

// processCPU is this process's user+system time so far.
func processCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, err
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
