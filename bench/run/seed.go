package main

import (
	"context"
	"fmt"
	"syscall"
	"time"

	"github.com/storefront/storefront/internal/benchdata"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// The data set: -products products from -sellers sellers, made by
// internal/benchdata (realistic names and descriptions, the same every run),
// plus one user whose password the harness knows (scenarios c, e, f log in as
// them).
const (
	benchEmail = "bench@example.com"
	benchPass  = "bench-password-not-secret"
)

// seed migrates the database and inserts the data set (COPY on PostgreSQL:
// 100,000 products take seconds), with the known user's hash made by the app's
// own argon2id code so login works. Sellers never log in; they share that hash.
func seed(ctx context.Context, databaseURL string, products, sellers int) (benchdata.Catalogue, error) {
	db, err := services.OpenDB(databaseURL)
	if err != nil {
		return benchdata.Catalogue{}, err
	}
	defer db.Close()
	if _, err := services.Migrate(ctx, db); err != nil {
		return benchdata.Catalogue{}, fmt.Errorf("migrate: %w", err)
	}
	hasher, err := services.NewPasswordHasher(services.OWASPArgon2)
	if err != nil {
		return benchdata.Catalogue{}, err
	}
	hash, err := hasher.Hash(ctx, benchPass)
	if err != nil {
		return benchdata.Catalogue{}, err
	}
	user := &models.User{Email: benchEmail, PasswordHash: hash, CreatedAt: benchdata.Start}
	if _, err := db.NewInsert().Model(user).Exec(ctx); err != nil {
		return benchdata.Catalogue{}, fmt.Errorf("seed: %w", err)
	}
	cat, err := benchdata.Seed(ctx, db, sellers, products, hash)
	if err != nil {
		return benchdata.Catalogue{}, fmt.Errorf("seed: %w", err)
	}
	if err := seedSellerTools(ctx, db, user.ID, cat.MinProductID); err != nil {
		return benchdata.Catalogue{}, fmt.Errorf("seed: %w", err)
	}
	return cat, nil
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
