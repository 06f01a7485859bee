package main

import (
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/services"
)

// newMailer picks how mail leaves: SMTP when SMTP_URL is set, else the database
// outbox. The outbox is returned too when its list (/dev/mail) may be shown,
// which is in development only.
func newMailer(cfg Config, db *bun.DB, log *slog.Logger) (mailer services.Mailer, devOutbox *services.Outbox, err error) {
	if cfg.SMTPURL != "" {
		m, err := services.NewSMTPMailer(cfg.SMTPURL, cfg.MailFrom, log)
		if err != nil {
			return nil, nil, err
		}
		log.Info("mail is sent through SMTP", "server", m.Server(), "from", cfg.MailFrom, "public_url", cfg.PublicURL)
		return m, nil, nil
	}
	outbox := services.NewOutbox(db, log)
	if !cfg.Development {
		log.Warn("SMTP_URL is not set: mail is kept in the database table outbox_mails and not sent")
		return outbox, nil, nil
	}
	log.Info("SMTP_URL is not set: mail is kept, not sent; see /dev/mail")
	return outbox, outbox, nil
}
