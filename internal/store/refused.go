package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"

	"pilar/internal/finance"
)

// refusedTTL is the time refused rows are kept: RefusedTTL or the default.
func (s *Store) refusedTTL() (d int64) {
	if s.RefusedTTL > 0 {
		return int64(s.RefusedTTL)
	}
	return int64(finance.DefaultRefusedTTL)
}

// SaveRefusedRows keeps the CSV, gzipped, for the signed-in user under a
// random token whose hash is the key, and deletes rows past their time.
// Errors: unauthorized.
func (s *Store) SaveRefusedRows(ctx context.Context, csv []byte) (string, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return "", err
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(csv)
	zw.Close()
	token, hash := newSecret("")
	now := s.Now()
	err = s.InTx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		if err := db.Exec("DELETE FROM refused_rows WHERE created_at < ?", now.Add(-durationOf(s.refusedTTL()))).Error; err != nil {
			return err
		}
		return db.Exec("INSERT INTO refused_rows (token_hash, user_id, created_at, content) VALUES (?, ?, ?, ?)",
			hash, actor.UserID, now, z.Bytes()).Error
	})
	return token, err
}

// RefusedRows returns the CSV the signed-in user saved under token, while
// it has not expired. Errors: unauthorized, not_found.
func (s *Store) RefusedRows(ctx context.Context, token string) ([]byte, error) {
	actor, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return nil, err
	}
	var rows [][]byte
	err = s.conn(ctx).Raw("SELECT content FROM refused_rows WHERE token_hash = ? AND user_id = ? AND created_at >= ?",
		hashSecret(token), actor.UserID, s.Now().Add(-durationOf(s.refusedTTL()))).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) != 1 {
		return nil, finance.Errorf(finance.ENotFound, "this download has expired or is not yours; import the file again")
	}
	zr, err := gzip.NewReader(bytes.NewReader(rows[0]))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}
