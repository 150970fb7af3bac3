package dev.graft.cli.fuzz

import ai.onnx.proto.OnnxMl
import com.google.protobuf.ByteString
import java.nio.ByteBuffer
import java.nio.ByteOrder
import kotlin.random.Random

/**
 * Seeded mutations of file bytes: byte-level (truncation, bit flips, overwritten, inserted and
 * deleted bytes) for any format, ONNX protobuf-level mutants (dimensions, element types, operator
 * types, attributes, dropped nodes, external-data locations), and `.npy` header and value mutants.
 * Each returns the mutated bytes and a short name of what it did.
 */
internal object Mutations {
    fun bytes(src: ByteArray, r: Random): Pair<ByteArray, String> = when (r.nextInt(5)) {
        0 -> r.nextInt(src.size).let { src.copyOf(it) to "truncate@$it" }
        1 -> src.copyOf().also { b ->
            repeat(1 + r.nextInt(8)) { val i = r.nextInt(b.size); b[i] = (b[i].toInt() xor (1 shl r.nextInt(8))).toByte() }
        } to "bitflips"
        2 -> src.copyOf().also { b ->
            val at = r.nextInt(b.size)
            for (i in at until minOf(b.size, at + 1 + r.nextInt(16))) b[i] = r.nextInt(256).toByte()
        } to "overwrite"
        3 -> r.nextInt(src.size).let { at ->
            (src.copyOfRange(0, at) + ByteArray(1 + r.nextInt(8)) { r.nextInt(256).toByte() } + src.copyOfRange(at, src.size)) to "insert@$at"
        }
        else -> r.nextInt(src.size).let { at ->
            (src.copyOfRange(0, at) + src.copyOfRange(minOf(src.size, at + 1 + r.nextInt(8)), src.size)) to "delete@$at"
        }
    }

    private val ELEM_TYPES = listOf(0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 16, 99)
    private val OPS = listOf("Relu", "MatMul", "Gemm", "Conv", "Add", "Reshape", "Softmax", "Concat", "Transpose", "Gather", "Bogus", "")
    private val LOCATIONS = listOf("../outside.bin", "/etc/passwd", "missing.bin", "link.bin", "linkdir/w.bin", "")

    /** A protobuf-level mutant of an ONNX model (it still parses, but may break Graft's rules). */
    fun onnx(src: ByteArray, r: Random): Pair<ByteArray, String> {
        val m = OnnxMl.ModelProto.parseFrom(src).toBuilder()
        val g = m.graphBuilder
        val what: String
        when (r.nextInt(10)) {
            0 -> { // an input dimension
                val v = g.getInputBuilder(0).typeBuilder.tensorTypeBuilder.shapeBuilder
                val d = r.nextInt(v.dimCount)
                val value = listOf(-1L, 0L, 1L, 3L, 65L, 1L shl 40, Long.MAX_VALUE)[r.nextInt(7)]
                v.getDimBuilder(d).clear().setDimValue(value)
                what = "input-dim[$d]=$value"
            }
            1 -> { // an initializer's dims
                val i = r.nextInt(g.initializerCount)
                val t = g.getInitializerBuilder(i)
                val dims = t.dimsList.toMutableList()
                if (dims.isEmpty()) dims.add(1) else dims[r.nextInt(dims.size)] = listOf(0L, -3L, 1L shl 32, 7L)[r.nextInt(4)]
                t.clearDims().addAllDims(dims)
                what = "init-dims[$i]=$dims"
            }
            2 -> { // an initializer's element type
                val i = r.nextInt(g.initializerCount)
                val type = ELEM_TYPES[r.nextInt(ELEM_TYPES.size)]
                g.getInitializerBuilder(i).dataType = type
                what = "init-type[$i]=$type"
            }
            3 -> { // a node's operator
                val i = r.nextInt(g.nodeCount)
                val op = OPS[r.nextInt(OPS.size)]
                g.getNodeBuilder(i).opType = op
                what = "op[$i]=$op"
            }
            4 -> { // drop a node
                val i = r.nextInt(g.nodeCount)
                g.removeNode(i)
                what = "drop-node[$i]"
            }
            5 -> { // an input of a node renamed
                val i = r.nextInt(g.nodeCount)
                val n = g.getNodeBuilder(i)
                if (n.inputCount > 0) n.setInput(r.nextInt(n.inputCount), listOf("", "nope", g.getOutput(0).name)[r.nextInt(3)])
                what = "node-input[$i]"
            }
            6 -> { // an integer attribute
                val i = r.nextInt(g.nodeCount)
                val n = g.getNodeBuilder(i)
                val value = listOf(-1L, 0L, 2L, 1L shl 33)[r.nextInt(4)]
                if (n.attributeCount > 0) {
                    val a = n.getAttributeBuilder(r.nextInt(n.attributeCount))
                    if (a.type == OnnxMl.AttributeProto.AttributeType.INTS && a.intsCount > 0) a.setInts(0, value) else a.setI(value).setType(OnnxMl.AttributeProto.AttributeType.INT)
                } else {
                    n.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(value).setType(OnnxMl.AttributeProto.AttributeType.INT))
                }
                what = "attr[$i]=$value"
            }
            7 -> { // a weight moved to external data at a hostile location
                val i = r.nextInt(g.initializerCount)
                val loc = LOCATIONS[r.nextInt(LOCATIONS.size)]
                g.getInitializerBuilder(i).clearRawData().clearFloatData().clearInt64Data()
                    .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(loc))
                    .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("offset").setValue(listOf("0", "-5", "x", "99999999999")[r.nextInt(4)]))
                what = "external=$loc"
            }
            8 -> { // raw data cut short or lengthened
                val i = r.nextInt(g.initializerCount)
                val t = g.getInitializerBuilder(i)
                val raw = t.rawData.toByteArray()
                t.rawData = ByteString.copyFrom(if (raw.isEmpty()) ByteArray(3) else raw.copyOf(maxOf(0, raw.size + listOf(-4, 4, -raw.size)[r.nextInt(3)])))
                what = "raw-len[$i]"
            }
            else -> { // opset or IR version
                val v = listOf(0L, 1L, 7L, 99L)[r.nextInt(4)]
                if (r.nextBoolean()) m.irVersion = v else m.setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(v))
                what = "version=$v"
            }
        }
        return m.build().toByteArray() to what
    }

    /** A `.npy` with a mutated header or hostile values (NaN, infinities, huge numbers). */
    fun npy(src: ByteArray, r: Random): Pair<ByteArray, String> {
        val headerLen = ByteBuffer.wrap(src, 8, 2).order(ByteOrder.LITTLE_ENDIAN).short.toInt() and 0xffff
        val header = String(src, 10, headerLen, Charsets.ISO_8859_1)
        return when (r.nextInt(4)) {
            0 -> { // shape
                val shape = listOf("(0, 64)", "(-1, 64)", "(2147483648, 64)", "(16, 65)", "(4294967296, 4294967296)", "(16,)", "()", "(x, 64)")[r.nextInt(8)]
                withHeader(src, headerLen, header.replace(Regex("'shape': \\([^)]*\\)"), "'shape': $shape")) to "shape=$shape"
            }
            1 -> { // element type
                val d = listOf("<f2", ">f4", "<i2", "|O", "<c8", "<f8", "<u1")[r.nextInt(7)]
                withHeader(src, headerLen, header.replace(Regex("'descr': '[^']*'"), "'descr': '$d'")) to "descr=$d"
            }
            2 -> { // header length lies
                val b = src.copyOf()
                val v = listOf(0, 1, 0xffff, headerLen + 1000)[r.nextInt(4)]
                b[8] = (v and 0xff).toByte(); b[9] = (v shr 8).toByte()
                b to "header-len=$v"
            }
            else -> { // hostile values in the data
                val b = src.copyOf()
                val v = listOf(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e38f, -1e30f)[r.nextInt(5)]
                val at = 10 + headerLen + 4 * r.nextInt((b.size - 10 - headerLen) / 4)
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, v)
                b to "value=$v"
            }
        }
    }

    private fun withHeader(src: ByteArray, oldLen: Int, header: String): ByteArray {
        val h = header.trimEnd().padEnd(((10 + header.trimEnd().length + 1 + 63) / 64) * 64 - 11) + "\n"
        val out = ByteBuffer.allocate(10 + h.length + src.size - 10 - oldLen).order(ByteOrder.LITTLE_ENDIAN)
        out.put(src, 0, 8).putShort(h.length.toShort()).put(h.toByteArray(Charsets.ISO_8859_1)).put(src, 10 + oldLen, src.size - 10 - oldLen)
        return out.array()
    }
}
