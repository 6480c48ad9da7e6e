"""The table engine every list uses: filters, keyset paging, counts, export, name search and
the rows a bulk action picks."""
