//! Conferences: `/accounts/{accountId}/conferences/{conferenceId}...`.
