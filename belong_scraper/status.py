"""Exit statuses of a migration, one list for the CLI, a Scrapyd job and the fleet.

0 complete; 1 finished but incomplete (pages failed, records rejected); 2 usage or
configuration error; 3 origin unreachable; 4 output not writable; 70 a bug of ours;
75 another run holds the state (try later); 130 interrupted.
"""

EXIT_OK, EXIT_INCOMPLETE, EXIT_USAGE, EXIT_UNREACHABLE, EXIT_NOT_WRITABLE = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug of ours, reported in one line
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the state; try again later

# Worst last: the fleet exits with the worst status of its sites. A site that could not
# run (usage, unreachable, internal) is worse than one cut short, which a retry resumes.
SEVERITY = [EXIT_OK, EXIT_INCOMPLETE, EXIT_LOCKED, EXIT_INTERRUPTED, EXIT_UNREACHABLE,
            EXIT_NOT_WRITABLE, EXIT_USAGE, EXIT_INTERNAL]  # fmt: skip


def worst(statuses: list[int]) -> int:
    """The worst of several statuses (EXIT_OK for none); an unknown one counts as internal."""
    rank = {status: index for index, status in enumerate(SEVERITY)}
    return max(statuses, key=lambda s: rank.get(s, len(SEVERITY)), default=EXIT_OK)
