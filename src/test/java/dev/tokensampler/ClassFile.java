package dev.tokensampler;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the architecture rules need from a compiled class, read from its class file: its name,
 * its interfaces, the field and method references of its constant pool (each with the class that
 * owns the member) and every UTF-8 constant (names and descriptors of the types it uses).
 */
final class ClassFile {
  /** A field or method reference: the owning class, the member name, and whether a field. */
  static final class Member {
    final String owner;
    final String name;
    final boolean field;

    Member(String owner, String name, boolean field) {
      this.owner = owner;
      this.name = name;
      this.field = field;
    }

    @Override
    public String toString() {
      return owner.replace('/', '.') + (field ? "#" : ".") + name + (field ? "" : "()");
    }
  }

  final String name;
  final List<String> interfaces = new ArrayList<>();
  final List<Member> members = new ArrayList<>();
  final List<String> strings = new ArrayList<>();

  private ClassFile(String name) {
    this.name = name;
  }

  /** The name of the top-level class: {@code a/b/C} for {@code a/b/C$D}. */
  static String topLevel(String internalName) {
    int dollar = internalName.indexOf('$', internalName.lastIndexOf('/') + 1);
    return dollar < 0 ? internalName : internalName.substring(0, dollar);
  }

  /** The package of an internal name, with slashes. */
  static String packageOf(String internalName) {
    int slash = internalName.lastIndexOf('/');
    return slash < 0 ? "" : internalName.substring(0, slash);
  }

  static ClassFile read(Path file) throws IOException {
    try (InputStream bytes = Files.newInputStream(file)) {
      return read(new DataInputStream(bytes));
    }
  }

  private static ClassFile read(DataInputStream in) throws IOException {
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    int[] tags = new int[count];
    String[] utf8 = new String[count];
    int[] first = new int[count];
    int[] second = new int[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      tags[i] = tag;
      switch (tag) {
        case 1:
          utf8[i] = in.readUTF();
          break;
        case 7: case 8: case 16: case 19: case 20:
          first[i] = in.readUnsignedShort();
          break;
        case 3: case 4:
          in.readInt();
          break;
        case 5: case 6:
          in.readLong();
          i++;
          break;
        case 9: case 10: case 11: case 12: case 17: case 18:
          first[i] = in.readUnsignedShort();
          second[i] = in.readUnsignedShort();
          break;
        case 15:
          in.readUnsignedByte();
          first[i] = in.readUnsignedShort();
          break;
        default:
          throw new IOException("unknown constant pool tag " + tag + " at " + i);
      }
    }
    in.readUnsignedShort();
    ClassFile c = new ClassFile(utf8[first[in.readUnsignedShort()]]);
    in.readUnsignedShort();
    int interfaces = in.readUnsignedShort();
    for (int i = 0; i < interfaces; i++) {
      c.interfaces.add(utf8[first[in.readUnsignedShort()]]);
    }
    for (int i = 1; i < count; i++) {
      if (tags[i] == 1) {
        c.strings.add(utf8[i]);
      } else if (tags[i] == 9 || tags[i] == 10 || tags[i] == 11) {
        String owner = utf8[first[first[i]]];
        String member = utf8[first[second[i]]];
        c.members.add(new Member(owner, member, tags[i] == 9));
      }
    }
    return c;
  }
}
