"""What the chat, the admin web, the API and the scheduled jobs share: an issue's lifecycle and the
actions on it, who is responsible for it, merging and splitting, and telling people."""
