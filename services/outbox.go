package services

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// outboxKeep is how many messages the outbox keeps; older ones are deleted as new
// ones arrive.
const outboxKeep = 200

// Outbox is the embedded mailer used when no SMTP_URL is set: it keeps each
// message in the database instead of sending it, where GET /dev/mail shows it
// in development. Being in the database, messages survive a restart and any
// process that sends mail shows up in the web process's list.
type Outbox struct {
	db   *bun.DB
	log  *slog.Logger
	now  func() time.Time
	keep int
}

// NewOutbox returns the outbox mailer over db.
func NewOutbox(db *bun.DB, log *slog.Logger) *Outbox {
	return &Outbox{db: db, log: log, now: time.Now, keep: outboxKeep}
}

// Send keeps e and logs its recipient and subject. The bodies are never logged:
// they may carry links with one-time tokens.
func (o *Outbox) Send(ctx context.Context, e models.Email) error {
	if err := e.Validate(); err != nil {
		return err
	}
	m := &models.OutboxMail{To: e.To, Subject: e.Subject, Text: e.Text, HTML: e.HTML, CreatedAt: o.now().UTC()}
	err := o.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(m).Returning("id").Exec(ctx); err != nil {
			return err
		}
		keep := tx.NewSelect().Model((*models.OutboxMail)(nil)).Column("id").OrderExpr("id DESC").Limit(int64(o.keep))
		_, err := tx.NewDelete().Model((*models.OutboxMail)(nil)).Where("id NOT IN (?)", keep).Exec(ctx)
		return err
	})
	if err != nil {
		return dbError("outbox: keep mail", err)
	}
	o.log.InfoContext(ctx, "mail kept in the outbox, not sent (SMTP_URL is not set)",
		"to", e.To, "subject", e.Subject, "outbox_id", m.ID)
	return nil
}

// Recent returns the newest kept messages, newest first.
func (o *Outbox) Recent(ctx context.Context, limit int) ([]models.OutboxMail, error) {
	var mails []models.OutboxMail
	if err := o.db.NewSelect().Model(&mails).OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, dbError("outbox: list", err)
	}
	return mails, nil
}

// ByID returns one kept message, or ENOTFOUND.
func (o *Outbox) ByID(ctx context.Context, id int64) (*models.OutboxMail, error) {
	m := new(models.OutboxMail)
	err := o.db.NewSelect().Model(m).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, models.Errorf(models.ENOTFOUND, "That message is not in the outbox.")
	}
	if err != nil {
		return nil, dbError("outbox: get", err)
	}
	return m, nil
}
