#ifndef HEPML_CPOSIX_H
#define HEPML_CPOSIX_H

/// Atomically swaps two paths (Linux renameat2 RENAME_EXCHANGE, macOS
/// renamex_np RENAME_SWAP). Returns 0, or -1 with errno set; ENOSYS or
/// EINVAL where the system or the file system cannot do it.
int hepml_rename_exchange(const char *first, const char *second);

/// Renames `from` to `to` only if `to` does not exist (RENAME_NOREPLACE /
/// RENAME_EXCL). Returns 0, or -1 with errno set (EEXIST when `to` exists).
int hepml_rename_noreplace(const char *from, const char *to);

#endif
