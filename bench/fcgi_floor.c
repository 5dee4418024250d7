/* fcgi_floor: the FastCGI floor of DESIGN §9. The smallest libfcgi
 * program: it reads a file once and answers every request with its bytes
 * from memory (status, Content-Type, Content-Length), nothing else. A
 * worker answering a cached page is measured against it.
 * usage (under spawn-fcgi): fcgi_floor FILE */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	if (argc != 2) { fprintf(stderr, "usage: fcgi_floor FILE\n"); return 2; }
	FILE *f = fopen(argv[1], "rb");
	if (!f) { perror(argv[1]); return 1; }
	static char body[1 << 20];
	size_t n = fread(body, 1, sizeof body, f);
	fclose(f);
	FCGX_Init();
	FCGX_Request r;
	FCGX_InitRequest(&r, 0, 0);
	while (FCGX_Accept_r(&r) >= 0) {
		FCGX_FPrintF(r.out, "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %lu\r\n\r\n", (unsigned long)n);
		FCGX_PutStr(body, (int)n, r.out);
		FCGX_Finish_r(&r);
	}
	return 0;
}
