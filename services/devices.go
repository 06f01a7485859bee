package services

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"
)

// DeviceLifetime is how long a browser stays known after the login that made it so.
const DeviceLifetime = 365 * 24 * time.Hour

// devicesPerUser bounds the rows one account keeps; its oldest devices go first.
const devicesPerUser = 10

// Devices remembers the browsers that have logged in to an account (OWASP's
// "device cookies"). Anyone can lock an account by failing logins with its
// email; a browser its owner has used before is exempt from that per-account
// lock and only answers for its own failures. The browser holds a random
// 256-bit token; the database holds only the token's SHA-256, bound to the user.
type Devices struct {
	db  *bun.DB
	now func() time.Time
}

// NewDevices returns the device service.
func NewDevices(db *bun.DB) *Devices {
	return &Devices{db: db, now: time.Now}
}

type loginDevice struct {
	bun.BaseModel `bun:"table:login_devices,alias:d"`

	ID        string    `bun:"id,pk"` // hex SHA-256 of the token
	UserID    int64     `bun:"user_id,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}

// Recognize returns the id of the device that token names if it has logged in
// to the account with this (normalised) email within DeviceLifetime, else "".
// A malformed token, another account's token or an expired one is no device.
func (d *Devices) Recognize(ctx context.Context, token, email string) (string, error) {
	if !ValidToken(token) {
		return "", nil
	}
	id := deviceID(token)
	var created time.Time
	err := d.db.NewSelect().ColumnExpr("d.created_at").TableExpr("login_devices AS d").
		Join("JOIN users AS u ON u.id = d.user_id").
		Where("d.id = ?", id).Where("u.email = ?", email).
		Limit(1).Scan(ctx, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", dbError("devices: recognize", err)
	}
	if d.now().Sub(created) >= DeviceLifetime {
		return "", nil
	}
	return id, nil
}

// Remember makes the browser a known device of the user and returns the token
// it must present. The user's oldest devices beyond devicesPerUser are forgotten.
func (d *Devices) Remember(ctx context.Context, userID int64) (string, error) {
	token := NewToken()
	dev := &loginDevice{ID: deviceID(token), UserID: userID, CreatedAt: d.now().UTC().Truncate(time.Microsecond)}
	if _, err := d.db.NewInsert().Model(dev).Exec(ctx); err != nil {
		return "", dbError("devices: remember", err)
	}
	// No transaction: a prune that fails (or races another login's) leaves a few
	// extra rows for the next one to remove, and saves two round trips.
	newest := d.db.NewSelect().Model((*loginDevice)(nil)).Column("id").Where("user_id = ?", userID).
		OrderExpr("created_at DESC, id DESC").Limit(devicesPerUser)
	if _, err := d.db.NewDelete().Model((*loginDevice)(nil)).
		Where("user_id = ?", userID).Where("id NOT IN (?)", newest).Exec(ctx); err != nil {
		return "", dbError("devices: forget the oldest", err)
	}
	return token, nil
}

func deviceID(token string) string { return hashToken(token) }
