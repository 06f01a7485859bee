package services

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// What a mailed link is for (account_tokens.purpose).
const (
	purposePasswordReset = "password_reset"
	purposeEmailChange   = "email_change"
)

// accountToken is a mailed single-use link: the database keeps the SHA-256 of
// its token, never the token. UsedAt is set when the link is followed or voided.
type accountToken struct {
	bun.BaseModel `bun:"table:account_tokens,alias:t"`

	ID        int64     `bun:"id,pk,autoincrement"`
	UserID    int64     `bun:"user_id,notnull"`
	Purpose   string    `bun:"purpose,notnull"`
	TokenHash string    `bun:"token_hash,notnull"`
	NewEmail  string    `bun:"new_email,nullzero"`
	CreatedAt time.Time `bun:"created_at,notnull"`
	ExpiresAt time.Time `bun:"expires_at,notnull"`
	UsedAt    time.Time `bun:"used_at,nullzero"`
}

// hashToken is what the database stores for a token the user holds (a mailed
// link, a device cookie): its SHA-256 in hex. The tokens carry 256 random bits,
// so a fast unsalted hash is enough to make a stolen table useless.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// storeToken voids the user's open links for purpose (a newer link voids older
// ones) and stores token as a new one valid for ttl. It reports whether the link
// was stored: the insert takes its user from the users table, so an id that
// names no account (0 for an unknown address) stores nothing after running the
// same statements as one that does.
func (s *AccountSecurity) storeToken(ctx context.Context, db bun.IDB, userID int64, purpose, newEmail, token string,
	ttl time.Duration,
) (bool, error) {
	if err := s.voidOpenTokens(ctx, db, userID, purpose); err != nil {
		return false, err
	}
	now := s.now()
	var email any // NULL for a password reset
	if newEmail != "" {
		email = newEmail
	}
	res, err := db.NewRaw(`INSERT INTO account_tokens (user_id, purpose, token_hash, new_email, created_at, expires_at)
		SELECT id, ?, ?, ?, ?, ? FROM users WHERE id = ?`,
		purpose, hashToken(token), email, now, now.Add(ttl), userID).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// voidOpenTokens marks the user's open links for purpose ("": all of them) as used.
func (s *AccountSecurity) voidOpenTokens(ctx context.Context, db bun.IDB, userID int64, purpose string) error {
	q := db.NewUpdate().Model((*accountToken)(nil)).Set("used_at = ?", s.now()).
		Where("user_id = ?", userID).Where("used_at IS NULL")
	if purpose != "" {
		q = q.Where("purpose = ?", purpose)
	}
	_, err := q.Exec(ctx)
	return err
}

// openToken returns the stored link for token and purpose if it can still be
// followed, else ErrAccountLinkInvalid: unknown, used, voided and expired links
// are one answer.
func (s *AccountSecurity) openToken(ctx context.Context, db bun.IDB, token, purpose string) (*accountToken, error) {
	if !ValidToken(token) {
		return nil, ErrAccountLinkInvalid
	}
	t := new(accountToken)
	err := db.NewSelect().Model(t).Where("token_hash = ?", hashToken(token)).Where("purpose = ?", purpose).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrAccountLinkInvalid
	}
	if err != nil {
		return nil, dbError("account security: find link", err)
	}
	if !t.UsedAt.IsZero() || !s.now().Before(t.ExpiresAt) {
		return nil, ErrAccountLinkInvalid
	}
	return t, nil
}

// spendToken marks an open link used. Of two requests following one link at
// once, only one finds it still open (the other gets ErrAccountLinkInvalid), and
// a link that expired since openToken looked is refused here too.
func (s *AccountSecurity) spendToken(ctx context.Context, db bun.IDB, id int64) error {
	now := s.now()
	res, err := db.NewUpdate().Model((*accountToken)(nil)).Set("used_at = ?", now).
		Where("id = ?", id).Where("used_at IS NULL").Where("expires_at > ?", now).Exec(ctx)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrAccountLinkInvalid
	}
	return nil
}

// DeleteExpiredTokens removes the links that can no longer be followed and
// returns how many; a periodic job keeps the table small with it.
func (s *AccountSecurity) DeleteExpiredTokens(ctx context.Context) (int64, error) {
	res, err := s.db.NewDelete().Model((*accountToken)(nil)).Where("expires_at <= ?", s.now()).Exec(ctx)
	if err != nil {
		return 0, dbError("account security: delete expired links", err)
	}
	n, err := res.RowsAffected()
	return n, dbError("account security: delete expired links", err)
}

// tokenUser returns the account an open link belongs to.
func (s *AccountSecurity) tokenUser(ctx context.Context, db bun.IDB, t *accountToken) (*models.User, error) {
	u, err := s.user(ctx, db, t.UserID)
	if errors.Is(err, ErrUserGone) {
		return nil, ErrAccountLinkInvalid // the cascade removes its links; this is the race with it
	}
	return u, err
}
