package benchdata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Catalogue is what Seed wrote.
type Catalogue struct {
	SellerIDs    []int64 // seller i's id at index i
	MinProductID int64
	MaxProductID int64
}

// Seed adds sellers sellers (SellerEmail(i), all with passwordHash) and
// products products (Product(i), seller i mod sellers) to a migrated, empty
// database, and runs ANALYZE. PostgreSQL gets the products through COPY,
// SQLite through multi-row inserts in one transaction: 100,000 products take
// seconds, most of it in the search indexes.
func Seed(ctx context.Context, db *bun.DB, sellers, products int, passwordHash string) (Catalogue, error) {
	if sellers < 1 || products < 0 {
		return Catalogue{}, errors.New("benchdata: need at least one seller")
	}
	users := make([]models.User, sellers)
	for i := range users {
		users[i] = models.User{Email: SellerEmail(i), PasswordHash: passwordHash, CreatedAt: Start}
	}
	var cat Catalogue
	err := db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for lo := 0; lo < len(users); lo += 500 {
			batch := users[lo:min(lo+500, len(users))]
			if _, err := tx.NewInsert().Model(&batch).Returning("id").Exec(ctx); err != nil {
				return fmt.Errorf("insert sellers: %w", err)
			}
			// Every seller has a store, which product cards name.
			stores := make([]models.Store, len(batch))
			for i, u := range batch {
				stores[i] = models.Store{UserID: u.ID, Name: fmt.Sprintf("Workshop %d", lo+i), Slug: fmt.Sprintf("workshop-%d", lo+i),
					CreatedAt: Start, UpdatedAt: Start}
			}
			if _, err := tx.NewInsert().Model(&stores).Exec(ctx); err != nil {
				return fmt.Errorf("insert stores: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Catalogue{}, err
	}
	for _, u := range users {
		cat.SellerIDs = append(cat.SellerIDs, u.ID)
	}
	next := func(i int) models.Product {
		p := Product(i)
		p.SellerID = cat.SellerIDs[i%sellers]
		return p
	}
	if db.Dialect().Name().String() == "pg" {
		err = copyProducts(ctx, db, products, next)
	} else {
		err = insertProducts(ctx, db, products, next)
	}
	if err != nil {
		return Catalogue{}, err
	}
	if err := analyze(ctx, db); err != nil {
		return Catalogue{}, err
	}
	err = db.NewSelect().Model((*models.Product)(nil)).ColumnExpr("coalesce(min(id), 0), coalesce(max(id), 0)").
		Scan(ctx, &cat.MinProductID, &cat.MaxProductID)
	return cat, err
}

// copyProducts streams the products through PostgreSQL's COPY on the pgx
// connection under database/sql.
func copyProducts(ctx context.Context, db *bun.DB, n int, next func(int) models.Product) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// Filling the search indexes takes longer than the app's statement timeout.
	if _, err := conn.ExecContext(ctx, "SET statement_timeout = 0"); err != nil {
		return err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "RESET statement_timeout") //nolint:errcheck // the connection is closed next
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("benchdata: COPY needs the pgx driver, not %T", driverConn)
		}
		i := 0
		rows := pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			p := next(i)
			i++
			return []any{p.SellerID, p.Name, p.Description, p.PriceCents, p.CreatedAt}, nil
		})
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{"products"},
			[]string{"seller_id", "name", "description", "price_cents", "created_at"}, rows)
		return err
	})
}

// insertProducts inserts in batches in one transaction (SQLite has one writer:
// one transaction is one fsync).
func insertProducts(ctx context.Context, db *bun.DB, n int, next func(int) models.Product) error {
	return db.RunInTx(ctx, &sql.TxOptions{}, func(ctx context.Context, tx bun.Tx) error {
		batch := make([]models.Product, 0, 500)
		for i := 0; i < n; i++ {
			batch = append(batch, next(i))
			if len(batch) == cap(batch) || i == n-1 {
				if _, err := tx.NewInsert().Model(&batch).Exec(ctx); err != nil {
					return fmt.Errorf("insert products: %w", err)
				}
				batch = batch[:0]
			}
		}
		return nil
	})
}

// analyze refreshes the planner's statistics (and PostgreSQL's visibility map,
// through VACUUM, so that index-only scans need not visit the table).
func analyze(ctx context.Context, db *bun.DB) error {
	if db.Dialect().Name().String() != "pg" {
		_, err := db.ExecContext(ctx, "ANALYZE")
		return err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	for _, q := range []string{"SET statement_timeout = 0", "VACUUM ANALYZE", "RESET statement_timeout"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
