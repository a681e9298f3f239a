-- When an invitation was answered is read from its response (responses.invitationAnsweredAt) instead of
-- being copied here by every first answer: that copy was an extra row update and WAL record per answer
-- (bench:submit: PostgreSQL time per answer 144–180 µs → 111–117 µs).
ALTER TABLE "invitations" DROP COLUMN "responded_at";