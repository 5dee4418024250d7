"""Test images made at test time (no binaries in the repository): PNG by
hand (zlib), the other formats through the vips command (libvips-tools),
and hostile variants built from them (EXIF with GPS and an orientation,
polyglots, headers that declare a pixel bomb)."""
import os
import struct
import subprocess
import tempfile
import zlib


def png(width=4, height=3, rgb=(200, 30, 30), chunks=b""):
    """A solid RGB PNG; chunks (already framed) go after IHDR."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunks + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def noise_png(width, height):
    """A PNG of random pixels: it does not compress (for size limits)."""
    def chunk(kind, data):
        return png_chunk(kind, data)
    raw = b"".join(b"\x00" + os.urandom(width * 3) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def png_bomb(width=100000, height=100000):
    """A PNG whose header declares width x height but holds one row."""
    def chunk(kind, data):
        return png_chunk(kind, data)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1))) + chunk(b"IEND", b""))


def vips_image(fmt, width, height, extra=""):
    """An image through the vips command: a gradient so it compresses like
    a picture, not a blank. fmt is the file suffix (jpg, webp, gif, avif, png)."""
    d = tempfile.mkdtemp(prefix="sf-img-")
    try:
        out = os.path.join(d, "x." + fmt)
        # an RGB gradient: xyz gives coordinates, scaled into 0-255
        v = os.path.join(d, "g.v")
        subprocess.run(["vips", "xyz", v, str(width), str(height)], check=True, capture_output=True)
        v2 = os.path.join(d, "g2.v")
        subprocess.run(["vips", "linear", v, v2, "0.05 0.07", "10 40", "--uchar"], check=True, capture_output=True)
        v3 = os.path.join(d, "g3.v")
        subprocess.run(["vips", "bandjoin_const", v2, v3, "128"], check=True, capture_output=True)
        subprocess.run(["vips", "copy", v3, out + extra], check=True, capture_output=True)
        with open(out, "rb") as f:
            return f.read()
    finally:
        subprocess.run(["rm", "-rf", d])


def jpeg(width=64, height=48):
    return vips_image("jpg", width, height)


def exif_segment(orientation=6):
    """APP1 Exif: IFD0 with Orientation and a GPS IFD (latitude ref N,
    latitude 51/1 0/1 0/1)."""
    n = 2
    ifd0_len = 2 + n * 12 + 4
    gps_off = 8 + ifd0_len
    ifd0 = struct.pack(">H", n)
    ifd0 += struct.pack(">HHI", 0x0112, 3, 1) + struct.pack(">HH", orientation, 0)
    ifd0 += struct.pack(">HHII", 0x8825, 4, 1, gps_off)
    ifd0 += struct.pack(">I", 0)
    gps_entries = 2
    rat_off = gps_off + 2 + gps_entries * 12 + 4
    gps = struct.pack(">H", gps_entries)
    gps += struct.pack(">HHI", 0x0001, 2, 2) + b"N\x00\x00\x00"
    gps += struct.pack(">HHII", 0x0002, 5, 3, rat_off)
    gps += struct.pack(">I", 0)
    gps += struct.pack(">IIIIII", 51, 1, 30, 1, 0, 1)
    data = b"Exif\x00\x00" + b"MM\x00\x2a\x00\x00\x00\x08" + ifd0 + gps
    return b"\xff\xe1" + struct.pack(">H", len(data) + 2) + data


def jpeg_with_exif(width=80, height=40, orientation=6):
    j = jpeg(width, height)
    return j[:2] + exif_segment(orientation) + j[2:]


def multipart(fields, boundary="----sf-test-boundary-7c1"):
    """fields: [(name, filename or None, content_type or None, bytes)]."""
    out = b""
    for name, filename, ctype, data in fields:
        out += b"--" + boundary.encode() + b"\r\n"
        disp = 'form-data; name="%s"' % name
        if filename is not None:
            disp += '; filename="%s"' % filename
        out += b"Content-Disposition: " + disp.encode() + b"\r\n"
        if ctype:
            out += b"Content-Type: " + ctype.encode() + b"\r\n"
        out += b"\r\n" + data + b"\r\n"
    out += b"--" + boundary.encode() + b"--\r\n"
    return out, "multipart/form-data; boundary=" + boundary
