/*
 * Copyright (c) 2026 The vsockdump authors
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its
 *    contributors may be used to endorse or promote products derived from
 *    this software without specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
 * "AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
 * LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
 * A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
 * HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
 * SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
 * LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
 * DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
 * THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
 * (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/*
 * -Z (privileges.h): the user vsockdump becomes, as tcpdump does.
 */

#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "privileges.h"

/*
 * The user's entry: through NSS, or, where there is no NSS (a static
 * vsockdump in a guest), straight from /etc/passwd.
 */
static struct passwd *
find_user(const char *name)
{
	struct passwd *pw;
	FILE *f;

	pw = getpwnam(name);
	if (pw != NULL)
		return pw;
	f = fopen("/etc/passwd", "r");
	if (f == NULL)
		return NULL;
	while ((pw = fgetpwent(f)) != NULL)
		if (strcmp(pw->pw_name, name) == 0)
			break;
	(void)fclose(f);
	return pw;
}

/* -Z: become the user, as tcpdump does after opening the device. */
void
drop_privileges(const char *user)
{
	struct passwd *pw;
	gid_t gid;

	pw = find_user(user);
	if (pw == NULL)
		error("Couldn't find user '%.32s'", user);
	gid = pw->pw_gid;
	if ((initgroups(pw->pw_name, gid) != 0 && setgroups(1, &gid) != 0) ||
	    setgid(gid) != 0 || setuid(pw->pw_uid) != 0)
		error("Couldn't change to '%.32s' uid=%lu gid=%lu: %s", user,
		    (unsigned long)pw->pw_uid, (unsigned long)gid,
		    strerror(errno));
}

/* With -w and no rotation, tcpdump makes the file the user's. */
void
give_file(const char *file, const char *user)
{
	struct passwd *pw;

	if (strcmp(file, "-") == 0)
		return;
	pw = find_user(user);
	if (pw == NULL)
		error("Couldn't find user '%s'", user);
	if (chown(file, pw->pw_uid, pw->pw_gid) < 0)
		error("Couldn't change ownership of savefile");
}
