//! The account's calls: createCall and listCalls (`/accounts/{accountId}/calls`).
